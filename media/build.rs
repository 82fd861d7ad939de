//! OpenH264 quietly builds without its assembly when `nasm` is missing, and then encodes
//! about 2.4× slower. Say so loudly, and refuse under CI (where it would skew every figure).

fn main() {
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-env-changed=PATH");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if !matches!(arch.as_str(), "x86_64" | "x86") {
        return;
    }
    let found = std::process::Command::new("nasm")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return;
    }
    let message = "nasm is not installed: the H.264 encoder is built without its assembly and \
                   runs about 2.4x slower (install the `nasm` package)";
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    println!("cargo:warning={message}");
}
