"""Where the uploads are kept: a folder (`UPLOAD_FOLDER`, which may be a mount every web
process shares) or an S3-compatible bucket (`UPLOAD_S3_URL`, through boto3). Both take the same
calls: has, get, put (atomic: a reader sees the whole file or none), delete, listing and send.
`app.storage` picks one from the configuration and decides what goes in; a store knows nothing
of pictures, documents or records."""

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, request, send_file

UNFINISHED = ".upload-"  # a file `FolderStore.put` is writing, before it is renamed into place


class FolderStore:
    """Files under one folder; writes are atomic and on disk before they return."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / key

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Write `data` unless the file is there already (then it only counts as written now),
        atomically and fsynced, so a reader never sees half a picture and "stored" means
        stored (the phone then deletes its copy)."""
        target = self.path(key)
        if target.exists():
            os.utime(target)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=UNFINISHED)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
            _sync_folder(target.parent)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def written(self, key: str) -> datetime | None:
        """When the file was last written (None: there is none)."""
        try:
            return datetime.fromtimestamp(self.path(key).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None

    def listing(self):
        """(key, when it was last written) of every file."""
        for path in self.root.rglob("*"):
            try:
                if not path.is_file():
                    continue
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            except FileNotFoundError:  # renamed into place, or deleted, since it was listed
                continue
            yield path.relative_to(self.root).as_posix(), modified

    def response(self, key: str, *, etag: str, max_age: int, mimetype: str = "image/jpeg"):
        path = self.path(key)
        if not path.is_file():
            return None
        return send_file(path, mimetype=mimetype, etag=etag, max_age=max_age)


def _sync_folder(folder: Path) -> None:
    """Put the folder's entry for a new file on disk too: without it a power cut can lose the
    file's name although its bytes were synced."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BucketStore:
    """Objects in an S3-compatible bucket, through boto3.

    `UPLOAD_S3_URL` is `http(s)://KEY:SECRET@host[:port]/bucket[/prefix]` for a server of one's
    own (MinIO, Ceph, a cloud's S3 endpoint), or `s3://bucket[/prefix]` for AWS itself with its
    usual credentials (environment, profile or instance role). `?region=` names the region.
    """

    def __init__(self, client, bucket: str, prefix: str = ""):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str) -> "BucketStore":
        import boto3
        from botocore.config import Config as BotoConfig

        parts = urlsplit(url)
        bucket, _, prefix = parts.path.lstrip("/").partition("/")
        if parts.scheme == "s3":
            bucket, prefix = parts.netloc, parts.path.strip("/")
        if not bucket:
            raise ValueError("UPLOAD_S3_URL names no bucket")
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        options = {
            "region_name": query.get("region") or os.environ.get("AWS_REGION") or "us-east-1",
            "config": BotoConfig(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        }
        if parts.scheme in ("http", "https"):
            port = f":{parts.port}" if parts.port else ""
            options["endpoint_url"] = f"{parts.scheme}://{parts.hostname}{port}"
            if parts.username:
                options["aws_access_key_id"] = unquote(parts.username)
                options["aws_secret_access_key"] = unquote(parts.password or "")
        elif parts.scheme != "s3":
            raise ValueError("UPLOAD_S3_URL must start with s3://, http:// or https://")
        return cls(boto3.client("s3", **options), bucket, prefix.strip("/"))

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def has(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            # 403: a missing key, to credentials that may not list the bucket.
            code = error.response.get("Error", {}).get("Code")
            if code in ("403", "404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return answer["Body"].read()

    def put(self, key: str, data: bytes) -> None:
        # A name holds one content only, so writing it again is harmless (and makes it new).
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def written(self, key: str) -> datetime | None:
        """When the object was last written (None: there is none)."""
        from botocore.exceptions import ClientError

        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in (
                "403",
                "404",
                "NoSuchKey",
                "NotFound",
            ):
                return None
            raise
        return answer["LastModified"]

    def listing(self):
        """(key, when it was last written) of every object under the prefix."""
        prefix = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        for page in pages:
            for found in page.get("Contents", []):
                yield found["Key"].removeprefix(prefix), found["LastModified"]

    def response(self, key: str, *, etag: str, max_age: int, mimetype: str = "image/jpeg"):
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            data = self.get(key)
            if data is None:
                return None
            response = Response(data, mimetype=mimetype)
        response.set_etag(etag)
        response.cache_control.max_age = max_age
        return response
