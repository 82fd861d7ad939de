//! Who signed a Windows app: the common name of the Authenticode signer's certificate, and
//! only while the signature's digest still matches the file (a file changed after signing
//! names no publisher). Whether the certificate is trusted is Windows' call on the end
//! user's computer; `osslsigncode verify` checks the whole signature in the tests.

use authenticode::{AttributeCertificateIterator, authenticode_digest};
use cms::signed_data::SignerIdentifier;
use object::read::pe::PeFile64;
use sha2::{Digest, Sha256};
use x509_cert::der::asn1::{PrintableStringRef, Utf8StringRef};

pub fn publisher(file: &[u8]) -> Option<String> {
    let pe = PeFile64::parse(file).ok()?;
    let signature = AttributeCertificateIterator::new(&pe)
        .ok()??
        .next()?
        .ok()?
        .get_authenticode_signature()
        .ok()?;
    let mut digest = Sha256::new();
    authenticode_digest(&pe, &mut digest).ok()?;
    if digest.finalize().as_slice() != signature.digest() {
        return None;
    }
    let SignerIdentifier::IssuerAndSerialNumber(signer) = &signature.signer_info().sid else {
        return None;
    };
    let cert = signature.certificates().find(|c| {
        c.tbs_certificate.issuer == signer.issuer
            && c.tbs_certificate.serial_number == signer.serial_number
    })?;
    let subject = &cert.tbs_certificate.subject;
    let common_name = subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .find_map(|atv| {
            atv.value
                .decode_as::<Utf8StringRef<'_>>()
                .map(|s| s.to_string())
                .or_else(|_| {
                    atv.value
                        .decode_as::<PrintableStringRef<'_>>()
                        .map(|s| s.to_string())
                })
                .ok()
        });
    Some(common_name.unwrap_or_else(|| subject.to_string()))
}
