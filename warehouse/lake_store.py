"""Where a lake lives: a local folder, or an object store named by URL (`s3://bucket/prefix`,
or `s3a://...` as Spark spells it), reached through fsspec (s3fs for S3 and the S3-compatible
stores: MinIO, Ceph, R2...). Credentials and the endpoint come from the AWS SDK's own chain
(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_ENDPOINT_URL, ~/.aws, an instance role),
never from us.

The two commit points keep their meaning on an object store: a PUT makes an object appear
whole or not at all (the local folder gets the same by write + fsync + rename), and an
exclusive create (PUT If-None-Match: *) is the merge lock.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

OBJECT_STORE_SCHEMES = ("s3", "s3a")


class LakeStoreError(RuntimeError):
    """A lake URL that cannot be used (scheme, missing package, unreachable store)."""


def _write_atomic(path: Path, data: bytes) -> None:
    """Write, fsync, rename: the file is there whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{secrets.token_hex(4)}-{path.name}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class LakeStore:
    """A lake's root: `fs` an fsspec filesystem, `root` the path inside it. Paths below are
    relative to the root, with '/' separators."""

    fs: Any
    root: str
    local: bool

    @property
    def url(self) -> str:
        return self.root if self.local else f"s3://{self.root}"

    def uri(self, rel: str) -> str:
        """What an engine reads: a local path, or s3://bucket/prefix/rel."""
        return f"{self.url}/{rel}" if rel else self.url

    def local_path(self, rel: str = "") -> Path:
        if not self.local:
            raise LakeStoreError(f"{self.url}: an object store has no local path")
        return Path(self.root) / rel

    def _path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def write_bytes(self, rel: str, data: bytes) -> None:
        """Put `data` at `rel`, all or nothing."""
        if self.local:
            _write_atomic(self.local_path(rel), data)
        else:
            self.fs.pipe_file(self._path(rel), data)  # one PUT: atomic

    def create_exclusive(self, rel: str, data: bytes) -> bool:
        """Create `rel` only if it does not exist (False if it does)."""
        try:
            with self.fs.open(self._path(rel), "xb") as f:
                f.write(data)
        except FileExistsError:
            return False
        return True

    def read_text(self, rel: str) -> str | None:
        """The text at `rel`, or None if there is none."""
        try:
            with self.fs.open(self._path(rel), "rb") as f:
                data: bytes = f.read()
        except FileNotFoundError:
            return None
        return data.decode("utf-8")

    def open(self, rel: str) -> BinaryIO:
        opened: BinaryIO = self.fs.open(self._path(rel), "rb")
        return opened

    def exists(self, rel: str) -> bool:
        return bool(self.fs.exists(self._path(rel)))

    def list_files(self, rel: str, suffix: str) -> list[str]:
        """Every file under folder `rel` (recursively) whose name ends with `suffix` and does
        not start with '.' or '_' (temporaries, engines' markers), relative to the root."""
        base = self._path(rel)
        if not self.fs.exists(base):
            return []
        found = []
        for path in self.fs.find(base):
            name = path.rsplit("/", 1)[-1]
            if name.endswith(suffix) and not name.startswith((".", "_")):
                found.append(path[len(self.root.rstrip("/")) + 1 :])
        return sorted(found)

    def remove(self, rel: str) -> None:
        """Delete folder `rel` and everything in it (nothing if it is not there)."""
        if self.local:
            shutil.rmtree(self.local_path(rel), ignore_errors=True)
        elif self.fs.exists(self._path(rel)):
            self.fs.rm(self._path(rel), recursive=True)

    def remove_file(self, rel: str) -> None:
        if self.fs.exists(self._path(rel)):
            self.fs.rm_file(self._path(rel))

    def list_folders(self, rel: str) -> list[str]:
        """The names of the folders directly in `rel`."""
        base = self._path(rel)
        if not self.fs.exists(base):
            return []
        entries = self.fs.ls(base, detail=True)
        return sorted(
            e["name"].rstrip("/").rsplit("/", 1)[-1] for e in entries if e["type"] == "directory"
        )

    @contextmanager
    def writable_folder(self, rel: str) -> Iterator[Path]:
        """A local folder (not yet there) an engine writes `rel` into: the folder itself for
        a local lake; for an object store, a temporary one uploaded file by file when the
        block ends (nothing is uploaded if it raises)."""
        if self.local:  # the folder itself is the engine's to create (Spark insists)
            folder = self.local_path(rel)
            folder.parent.mkdir(parents=True, exist_ok=True)
            yield folder
            return
        with tempfile.TemporaryDirectory(prefix="jobtrends-lake-") as tmp:
            folder = Path(tmp) / "out"
            yield folder
            for path in sorted(folder.rglob("*")) if folder.exists() else []:
                if path.is_file() and not path.name.startswith((".", "_")):
                    target = self._path(f"{rel}/{path.relative_to(folder).as_posix()}")
                    self.fs.put_file(str(path), target)


def parse_lake_url(text: str) -> tuple[str, str] | None:
    """ "s3://bucket/prefix" or "s3a://bucket/prefix" -> ("s3", "bucket/prefix"); a local
    folder -> None. Raises LakeStoreError for another scheme or a URL without a bucket."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        return None
    if scheme.lower() not in OBJECT_STORE_SCHEMES:
        raise LakeStoreError(
            f"--lake {text!r}: unknown scheme {scheme!r}; a local folder or s3://bucket/prefix"
        )
    root = rest.strip("/")
    if not root or root.startswith("/"):
        raise LakeStoreError(f"--lake {text!r}: expected s3://bucket/prefix")
    return "s3", root


LakeLike = Path | str | LakeStore


def open_lake(lake: LakeLike) -> LakeStore:
    """The store of `lake`: a LakeStore as it is, a local folder, or an object-store URL."""
    if isinstance(lake, LakeStore):
        return lake
    parsed = parse_lake_url(str(lake)) if isinstance(lake, str) else None
    if parsed is None:
        from fsspec.implementations.local import LocalFileSystem

        return LakeStore(LocalFileSystem(), str(Path(lake).absolute()), local=True)
    try:
        import fsspec

        fs = fsspec.filesystem(parsed[0])
    except ImportError as exc:
        raise LakeStoreError(
            f"--lake {lake}: an object-store lake needs s3fs: pip install -e '.[s3]'"
        ) from exc
    return LakeStore(fs, parsed[1], local=False)
