from email import message_from_bytes

from django.core.mail import EmailMultiAlternatives

from gpl_cohort.mail_backends import EmlFileBackend


def test_each_email_is_written_as_its_own_eml_file(tmp_path):
    backend = EmlFileBackend(file_path=tmp_path)
    messages = []
    for n in range(2):
        message = EmailMultiAlternatives(
            f"Subject {n}", "Plain body", "from@cohort.example", [f"to{n}@city.gov"]
        )
        message.attach_alternative("<p>HTML body</p>", "text/html")
        messages.append(message)
    assert backend.send_messages(messages) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = sorted(message_from_bytes(f.read_bytes())["Subject"] for f in files)
    assert parsed == ["Subject 0", "Subject 1"]
