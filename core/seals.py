"""The office's document seal: its signing key and certificate, kept like the other keys, bound to the ledger.

`deedbook seal cert new NAME --key OPERATOR` makes an ECDSA P-256 key and a self-signed X.509
certificate for it (the office is its own authority: what makes the certificate trustworthy is
not a CA but the operator's signed `SealCertificate` entry naming its SHA-256 fingerprint), stores
the key encrypted with a password (PKCS#8, scrypt-protected PEM: never in clear) beside the
certificate in the data folder's `seals/`, and records the binding.  The documents layer seals a
PDF with them (desktop/documents/seal.py); verify-pdf walks ledger -> certificate -> signature.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import DeedbookError, NotFound
from core.keys import FILE_NAME, FILE_NAME_RULE, password_bytes

if TYPE_CHECKING:
    from core.keys import UnlockedKey
    from core.ledger import Ledger, RecordedEntry

VALID_DAYS = 3650
DOCUMENT_SIGNING = "1.3.6.1.5.5.7.3.36"  # id-kp-documentSigning (RFC 9336)


@dataclass(frozen=True)
class SealInfo:
    name: str
    fingerprint: str  # 0x + SHA-256 of the certificate's DER
    subject: str
    not_before: int
    not_after: int
    bound_at: int | None  # the SealCertificate entry, when the ledger holds one for this certificate

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "certSha256": self.fingerprint,
            "subject": self.subject,
            "notBefore": self.not_before,
            "notAfter": self.not_after,
            "entry": self.bound_at,
        }


def fingerprint(cert_der: bytes) -> str:
    return "0x" + hashlib.sha256(cert_der).hexdigest()


def check_name(name: str) -> str:
    if not FILE_NAME.fullmatch(name):
        raise DeedbookError(f"'{name}' is not a seal name: {FILE_NAME_RULE}.")
    return name


def check_seal_password(password: str) -> None:
    if len(password) < 8:
        raise DeedbookError("A seal's password must be at least 8 characters.")


class SealStore:
    """The folder of seals: NAME.key.pem (encrypted) and NAME.crt.pem (public)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, name: str) -> tuple[Path, Path]:
        check_name(name)
        return self.folder / f"{name}.key.pem", self.folder / f"{name}.crt.pem"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.name[: -len(".crt.pem")] for p in self.folder.glob("*.crt.pem"))

    def create(self, name: str, password: str, *, office: str, operator: str, now: int) -> bytes:
        """Make the key and certificate of a new seal; the certificate's DER.  Refuses an existing name."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID, ObjectIdentifier

        key_path, cert_path = self._paths(name)
        if key_path.exists() or cert_path.exists():
            raise DeedbookError(f"A seal named '{name}' already exists in {self.folder}.")
        check_seal_password(password)
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, f"{office[:40]} document seal {name}"[:64]),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, office[:64] or "Deedbook office"),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, operator),
            ]
        )
        start = dt.datetime.fromtimestamp(now, dt.UTC).replace(microsecond=0)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=VALID_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.ExtendedKeyUsage([ObjectIdentifier(DOCUMENT_SIGNING)]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        encrypted = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password_bytes(password)),
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_new(key_path, encrypted, 0o600)
        _write_new(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)
        return cert.public_bytes(serialization.Encoding.DER)

    def certificate(self, name: str) -> bytes:
        """The seal's certificate (DER)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        _, cert_path = self._paths(name)
        if not cert_path.is_file():
            raise NotFound(f"There is no seal named '{name}' in this data folder.")
        try:
            return x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(serialization.Encoding.DER)
        except ValueError:
            raise DeedbookError(f"The certificate of seal '{name}' is damaged.") from None

    def unlock(self, name: str, password: str) -> bytes:
        """The seal's private key as unencrypted PKCS#8 DER, in memory only (for signing one document)."""
        from cryptography.hazmat.primitives import serialization

        key_path, _ = self._paths(name)
        if not key_path.is_file():
            raise NotFound(f"There is no seal named '{name}' in this data folder.")
        typed = password_bytes(password)
        try:
            key = serialization.load_pem_private_key(key_path.read_bytes(), typed)
        except (ValueError, TypeError):
            raise DeedbookError(f"Wrong password for seal '{name}' (or its key file is damaged).") from None
        return key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def validity(cert_der: bytes) -> tuple[int, int, str]:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(cert_der)
    return (
        int(cert.not_valid_before_utc.timestamp()),
        int(cert.not_valid_after_utc.timestamp()),
        cert.subject.rfc4514_string(),
    )


def bind_seal(ledger: Ledger, operator: UnlockedKey, name: str, cert_der: bytes) -> int:
    """Record the operator's SealCertificate entry for `cert_der`; its index."""
    not_before, not_after, _ = validity(cert_der)
    message = {
        "name": check_name(name),
        "certSha256": fingerprint(cert_der),
        "notBefore": not_before,
        "notAfter": not_after,
    }
    return ledger.append_built(lambda state: [ledger.sign("SealCertificate", message, operator, "operator")])[0]


def binding(ledger: Ledger, cert_der: bytes) -> RecordedEntry | None:
    """The latest SealCertificate entry binding this certificate, if any."""
    wanted = fingerprint(cert_der).lower()
    found = [e for e in ledger.entries(kind="SealCertificate") if str(e.message["certSha256"]).lower() == wanted]
    return found[-1] if found else None


def seal_info(store: SealStore, ledger: Ledger | None, name: str) -> SealInfo:
    der = store.certificate(name)
    not_before, not_after, subject = validity(der)
    bound = binding(ledger, der) if ledger is not None else None
    return SealInfo(name, fingerprint(der), subject, not_before, not_after, bound.index if bound else None)
