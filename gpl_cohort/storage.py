"""Where the uploaded and computed files live: the local disk (FileSystemStorage under
MEDIA_ROOT, the embedded default) or an S3-compatible object store (STORAGE_URL).

Everything else reads and writes files through Django's storage API (`default_storage`, a
FileField's `open`/`save`/`delete`). The few things the storage API cannot do — give pyarrow a
filesystem to read Parquet from, hand the Django-free call-data engine a local file, publish a
folder of Parquet written locally — are here, and this module is the only one that knows which
backend is in use.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

S3_BACKEND = "gpl_cohort.storage.S3Storage"
# Query parameters of STORAGE_URL and the S3Storage option each sets.
_URL_OPTIONS = {"endpoint_url": "endpoint_url", "region": "region_name"}
# Signed download links (when a view hands one out instead of streaming) live this long.
SIGNED_URL_SECONDS = 300


_CONNECTIONS = threading.local()


@functools.cache
def _s3_storage_class() -> type:
    from storages.backends.s3 import S3Storage as Base

    class S3Storage(Base):
        """django-storages' S3Storage whose boto3 connection is shared, per thread, by every
        instance with the same endpoint and credentials: a new boto3 session costs up to a
        second (it loads the service description), and the storage is built again whenever
        its settings change (each test, a backup restored to another prefix)."""

        @property
        def connection(self) -> Any:
            options = self.client_config._user_provided_options
            key = (
                self.access_key, self.secret_key, self.security_token, self.session_profile,
                self.region_name, self.use_ssl, self.endpoint_url, self.verify,
                tuple(sorted((k, repr(v)) for k, v in options.items())),
            )  # fmt: skip
            cache = getattr(_CONNECTIONS, "by_key", None)
            if cache is None:
                cache = _CONNECTIONS.by_key = {}
            if key not in cache:
                cache[key] = super().connection
            self._connections.connection = cache[key]
            return cache[key]

    S3Storage.__qualname__ = "S3Storage"
    return S3Storage


def __getattr__(name: str) -> Any:
    # Built on first use, so that the settings (which import this module) need not import
    # django-storages and boto3 when the files are on the local disk.
    if name == "S3Storage":
        return _s3_storage_class()
    raise AttributeError(name)


def storage_from_url(url: str) -> dict[str, Any]:
    """The STORAGES["default"] entry for `s3://bucket[/prefix][?endpoint_url=…&region=…]`.

    The object store stays private whatever the bucket's defaults: no ACL is sent (the
    bucket's policy decides, and it must not be public), links are signed and short-lived,
    and a name in use is never overwritten by an upload."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured(
            f"STORAGE_URL must look like s3://bucket/prefix?endpoint_url=…&region=…, not {url!r}"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - set(_URL_OPTIONS))
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL has unknown parameters {unknown}; known: {sorted(_URL_OPTIONS)}"
        )
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    options |= {_URL_OPTIONS[key]: value for key, value in query.items() if value}
    if options.get("endpoint_url"):
        # Servers other than AWS (MinIO, moto, Ceph) answer on one host, not per-bucket names.
        options["addressing_style"] = "path"
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}


def _is_local(storage: Storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def describe() -> str:
    """Which storage is in use, in a few words (the pytest header, the admin's checks)."""
    storage = default_storage
    if _is_local(storage):
        return f"local disk (FileSystemStorage, {storage.location})"  # type: ignore[attr-defined]
    bucket = getattr(storage, "bucket_name", "?")
    location = getattr(storage, "location", "")
    endpoint = getattr(storage, "endpoint_url", None) or "AWS"
    return f"S3 ({storage.__class__.__name__}, s3://{bucket}/{location} at {endpoint})"


# --- pyarrow ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _s3_filesystem(
    endpoint: str | None, region: str | None, key: str | None, secret: str | None, token: str | None
) -> Any:
    from pyarrow import fs

    options: dict[str, Any] = {"region": region or "us-east-1"}
    if endpoint:
        parts = urlsplit(endpoint)
        options["endpoint_override"] = parts.netloc or parts.path
        options["scheme"] = parts.scheme or "https"
    if key and secret:
        # Otherwise pyarrow reads the same AWS_* environment and profiles as boto3.
        options |= {"access_key": key, "secret_key": secret, "session_token": token}
    return fs.S3FileSystem(**options)


def arrow_location(name: str) -> tuple[Any, str]:
    """A (pyarrow filesystem, path) pair for the stored file or folder `name`, for
    pyarrow.dataset and pyarrow's readers; the local default memory-maps."""
    from pyarrow import fs

    storage = default_storage
    if _is_local(storage):
        return fs.LocalFileSystem(use_mmap=True), storage.path(name)
    filesystem = _s3_filesystem(
        getattr(storage, "endpoint_url", None),
        getattr(storage, "region_name", None),
        getattr(storage, "access_key", None),
        getattr(storage, "secret_key", None),
        getattr(storage, "security_token", None),
    )
    return filesystem, f"{storage.bucket_name}/{storage._normalize_name(name)}"  # type: ignore[attr-defined]


# --- local copies for the call-data engine -----------------------------------------------------


@contextlib.contextmanager
def local_copies(stored: Sequence[str | None], *, work_dir: Path) -> Iterator[list[Path]]:
    """Local files with the content of the stored files named `stored`, for code that reads
    files from disk (the call-data engine). On the local disk they are the stored files
    themselves; from an object store they are downloaded into a temporary folder under
    `work_dir`, which is removed when the block ends, however it ends."""
    if not all(stored):
        raise FileNotFoundError("A stored file has no name: its upload was never saved.")
    names = [name for name in stored if name]
    storage = default_storage
    if _is_local(storage):
        yield [Path(storage.path(name)) for name in names]
        return
    work_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="source-", dir=work_dir))
    try:
        paths = []
        for index, name in enumerate(names):
            path = folder / f"{index}-{Path(name).name}"
            with storage.open(name, "rb") as source, path.open("wb") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
            paths.append(path)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def publish_folder(local: Path, prefix: str) -> None:
    """Put the files of the local folder `local` under `prefix` in storage, in place of what
    was there. On the local disk the folder is moved in whole (the old one is renamed away
    first, so a reader sees the old or the new files, never a mix); in an object store the old
    objects are deleted and the new ones uploaded (the caller keeps readers away meanwhile:
    the dataset is not "done" until this returns)."""
    storage = default_storage
    if _is_local(storage):
        final = Path(storage.path(prefix))
        final.parent.mkdir(parents=True, exist_ok=True)
        incoming = final.with_name(f".incoming-{final.name}-{uuid.uuid4().hex}")
        shutil.move(str(local), str(incoming))  # a copy when the work folder is on another disk
        old = final.with_name(f".replaced-{final.name}-{uuid.uuid4().hex}")
        if final.exists():
            final.rename(old)
        incoming.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        return
    delete_folder(prefix)
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        name = f"{prefix}/{path.relative_to(local).as_posix()}"
        with path.open("rb") as handle:
            saved = storage.save(name, File(handle, name=path.name))
        if saved != name:  # file_overwrite=False picked another name: the old one came back
            storage.delete(saved)
            raise OSError(f"{name} is in use in storage; the import could not publish its files")
    shutil.rmtree(local, ignore_errors=True)


def delete_folder(prefix: str) -> None:
    """Every stored file under `prefix`, then the folders a file system keeps."""
    storage = default_storage
    for name in walk(prefix):
        storage.delete(name)
    if _is_local(storage):
        # A file system keeps empty folders (deepest first); an object store has none.
        root = Path(storage.path(prefix))
        if root.is_dir():
            for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            with contextlib.suppress(OSError):
                root.rmdir()


def walk(prefix: str = "", *, storage: Storage = default_storage) -> Iterator[str]:
    """The name of every stored file under `prefix` ("" for all), through listdir."""
    try:
        folders, names = storage.listdir(prefix)
    except FileNotFoundError:
        return
    base = f"{prefix.rstrip('/')}/" if prefix else ""
    for name in sorted(names):
        yield f"{base}{name}"
    for folder in sorted(folders):
        yield from walk(f"{base}{folder}", storage=storage)
