"""Getting each source's files onto disk, verified against the manifest's sha256.

Each file of a source is taken from the first place that has it:

1. a local folder of official texts (`local_dir / name`), used in place, never copied;
2. the download cache (`cache_dir / name`), when its hash is still accepted;
3. its official URL, downloaded into the cache (and, for a zip package, its one member).

A source whose official file cannot be had here may name a `local_copy` of its text (the
AI Continent Action Plan: extractions of the official PDF): when the local folder holds
it, it is read in place of the official files. Its `secondary` files are taken from the
local folder when there, verified, and otherwise left out.

Every file is hashed before it is used. A download is written to a temporary file beside
its target and renamed into place only once verified, so the cache never holds a partial
or wrong file. A file whose hash is not pinned yet is accepted with a warning that gives
the hash to record. Errors are `FetchError`s with one-line messages naming the file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import httpx

from desk.sources import Manifest, Source, SourceFile

USER_AGENT = "ai-act-desk/0.1 (+corpus fetch)"
CHUNK_SIZE = 1 << 16


class FetchError(RuntimeError):
    """A source file could not be had, or is not the file the manifest pins."""


class ChecksumMismatch(FetchError):
    """A file's sha256 is none of the hashes the manifest accepts for it."""

    def __init__(self, name: str, expected: list[str], actual: str, where: str) -> None:
        self.name = name
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{name}: sha256 mismatch in {where}: expected {' or '.join(expected)}, got {actual}"
        )


class SourceUnavailable(FetchError):
    """An optional source that is neither in the local folder nor downloadable."""


@dataclass(frozen=True)
class FetchedFile:
    spec: SourceFile
    path: Path
    sha256: str
    origin: str  # "local", "cache" or "download"
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FetchedSource:
    source: Source
    files: list[FetchedFile]  # the text: the official files, or the local copy
    secondary: list[FetchedFile] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return [warning for fetched in self.files for warning in fetched.warnings]


class _DownloadFailed(Exception):
    """Internal: the download itself failed; the caller words the error for the source."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fetch_all(
    manifest: Manifest,
    *,
    cache_dir: Path,
    local_dir: Path | None,
    only: list[str] | None = None,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
    on_skip: Callable[[Source, str], None] | None = None,
) -> list[FetchedSource]:
    """Fetch the sources of the manifest (or those named in `only`), in manifest order.

    Optional sources that cannot be had are left out, and reported through `on_skip`.
    """
    # Resolve every id before fetching anything: a typo should fail fast, not after downloads.
    sources = manifest.sources if only is None else [manifest.get(i) for i in only]
    fetched: list[FetchedSource] = []
    with _client_or_new(client, timeout) as http:
        for source in sources:
            try:
                fetched.append(
                    fetch_source(
                        source,
                        cache_dir=cache_dir,
                        local_dir=local_dir,
                        client=http,
                        timeout=timeout,
                    )
                )
            except SourceUnavailable as error:
                if on_skip is not None:
                    on_skip(source, str(error))
    return fetched


def fetch_source(
    source: Source,
    *,
    cache_dir: Path,
    local_dir: Path | None,
    client: httpx.Client | None = None,
    timeout: float = 60.0,
) -> FetchedSource:
    """Every file of one source, verified; raises SourceUnavailable for a missing optional one."""
    secondary = [
        _verified(spec, local_dir / _relative_name(spec), "local")
        for spec in source.secondary
        if local_dir is not None and (local_dir / _relative_name(spec)).is_file()
    ]
    copy = source.local_copy
    if copy and local_dir is not None and all((local_dir / _relative_name(spec)).is_file() for spec in copy):
        files = [_verified(spec, local_dir / _relative_name(spec), "local") for spec in copy]
        return FetchedSource(source=source, files=files, secondary=secondary)
    with _client_or_new(client, timeout) as http:
        files = [_fetch_file(source, spec, cache_dir, local_dir, http, timeout) for spec in source.files]
    return FetchedSource(source=source, files=files, secondary=secondary)


def _fetch_file(
    source: Source,
    spec: SourceFile,
    cache_dir: Path,
    local_dir: Path | None,
    client: httpx.Client,
    timeout: float,
) -> FetchedFile:
    name = _relative_name(spec)
    if local_dir is not None and (local_dir / name).is_file():
        # A local copy that does not verify is an error, not a cue to download over it:
        # the folder is someone's deliberate copy of the official texts.
        return _verified(spec, local_dir / name, "local")
    cached = _usable_cached(spec, cache_dir / name)
    if cached is not None:
        return cached
    try:
        return _download(spec, cache_dir / name, client, timeout)
    except _DownloadFailed as error:
        whereabouts = f"not in {local_dir}" if local_dir is not None else "no local copy"
        message = f"{whereabouts} and could not be downloaded from {spec.url}: {error.reason}"
        if source.optional:
            label = source.label or source.title
            raise SourceUnavailable(f"{label}: {spec.name} {message}") from None
        raise FetchError(f"{spec.name}: {message}") from None


def _relative_name(spec: SourceFile) -> PurePosixPath:
    # The name is joined onto local and cache folders: it must not reach outside them.
    name = PurePosixPath(spec.name)
    if name.is_absolute() or ".." in name.parts or not name.parts:
        raise FetchError(f"{spec.name}: file name must be a relative path inside the corpus")
    return name


def _verified(spec: SourceFile, path: Path, origin: str) -> FetchedFile:
    digest = sha256_of(path)
    return FetchedFile(
        spec=spec,
        path=path,
        sha256=digest,
        origin=origin,
        warnings=_check_hash(spec, digest, f"{origin} file {path}"),
    )


def _usable_cached(spec: SourceFile, path: Path) -> FetchedFile | None:
    """The cached copy when its hash is accepted; None when absent or stale (download again)."""
    if not path.is_file():
        return None
    try:
        return _verified(spec, path, "cache")
    except ChecksumMismatch:
        return None


def _check_hash(spec: SourceFile, digest: str, where: str) -> list[str]:
    """Warnings for an accepted hash; raises ChecksumMismatch for a rejected one."""
    if spec.accepts_hash(digest):
        return []
    if not spec.sha256:
        return [
            f"{spec.name}: sha256 not pinned; the {where} has sha256 {digest}: "
            "record it in corpus/sources.toml"
        ]
    raise ChecksumMismatch(spec.name, [spec.sha256, *spec.also_sha256], digest, where)


def _download(spec: SourceFile, target: Path, client: httpx.Client, timeout: float) -> FetchedFile:
    target.parent.mkdir(parents=True, exist_ok=True)
    # Temporary files live beside the target so the final rename is atomic (same filesystem).
    download = _temporary_beside(target)
    extracted: Path | None = None
    try:
        _stream_to(spec, download, client, timeout)
        if spec.member:
            extracted = _temporary_beside(target)
            _extract_member(spec, download, extracted)
        payload = extracted or download
        digest = sha256_of(payload)
        warnings = _check_hash(spec, digest, f"download from {spec.url}")
        os.replace(payload, target)
    finally:
        for leftover in (download, extracted):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    return FetchedFile(spec=spec, path=target, sha256=digest, origin="download", warnings=warnings)


def _temporary_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    return Path(name)


def _stream_to(spec: SourceFile, path: Path, client: httpx.Client, timeout: float) -> None:
    headers = {"User-Agent": USER_AGENT}
    if spec.accept:
        headers["Accept"] = spec.accept
    try:
        with client.stream(
            "GET", spec.url, headers=headers, follow_redirects=True, timeout=timeout
        ) as response:
            if not response.is_success:
                raise _DownloadFailed(f"HTTP {response.status_code} {response.reason_phrase}")
            with path.open("wb") as out:
                for chunk in response.iter_bytes(CHUNK_SIZE):
                    out.write(chunk)
    except httpx.HTTPError as error:
        raise _DownloadFailed(_one_line(f"{type(error).__name__}: {error}")) from error


def _extract_member(spec: SourceFile, archive: Path, out_path: Path) -> None:
    """Copy the zip member named like `spec.member` (basename match) to `out_path`."""
    wanted = PurePosixPath(spec.member or "").name
    try:
        with zipfile.ZipFile(archive) as package:
            matches = [i for i in package.infolist() if PurePosixPath(i.filename).name == wanted]
            if len(matches) != 1:
                raise FetchError(
                    f"{spec.name}: the zip from {spec.url} has {len(matches)} members "
                    f"named {wanted!r}, expected one"
                )
            with package.open(matches[0]) as member, out_path.open("wb") as out:
                while chunk := member.read(CHUNK_SIZE):
                    out.write(chunk)
    except zipfile.BadZipFile as error:
        raise FetchError(f"{spec.name}: the download from {spec.url} is not a zip: {error}") from None


def sha256_of(path: Path) -> str:
    """The file's sha256, read in chunks so large files are not held in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _client_or_new(client: httpx.Client | None, timeout: float) -> Iterator[httpx.Client]:
    """The caller's client, or one opened for this call and closed after it."""
    if client is not None:
        yield client
        return
    with httpx.Client(timeout=timeout, follow_redirects=True) as new:
        yield new


def _one_line(text: str) -> str:
    return " ".join(text.split())
