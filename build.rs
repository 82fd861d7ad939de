//! Builds the browser bundles (the `app` crate for wasm32: with its `hydrate` feature for the
//! portal, with `link-bundle` for the end user's page alone) and generates their JS glue, so
//! that plain `cargo build` yields one binary with both embedded. See shared/BUILD.md for why this is not cargo-leptos.
//!
//! The nested cargo gets its own target dir (the outer build holds the lock on ours) and an
//! environment cleaned of what cargo sets for build scripts, which would otherwise leak the
//! outer build's features and flags into it.
//!
//! `BECKON_SKIP_WASM=1` writes empty placeholders instead (fast `cargo check` / IDEs).
//!
//! It also builds the assist app for each platform it can and embeds it (`build/assist_apps.rs`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "build/assist_apps.rs"]
mod assist_apps;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The names Leptos' hydration script asks for: `/pkg/beckon.js`, `/pkg/beckon_bg.wasm` (the
/// portal) and `/pkg/link.js`, `/pkg/link_bg.wasm` (the end user's page).
const OUTPUT_NAME: &str = "beckon";
const LINK_OUTPUT_NAME: &str = "link";

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR"));
    let pkg_dir = out_dir.join("pkg");
    fs::create_dir_all(&pkg_dir).expect("create OUT_DIR/pkg");

    for path in [
        "app/src",
        "app/Cargo.toml",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=BECKON_SKIP_WASM");
    assist_apps::build(&manifest_dir, &out_dir);

    // The portal's bundle, and a small one for the end user's page (phones, first visit).
    let bundles = [("hydrate", OUTPUT_NAME), ("link-bundle", LINK_OUTPUT_NAME)];
    if env::var_os("BECKON_SKIP_WASM").is_some_and(|v| v != "0") {
        println!("cargo:warning=BECKON_SKIP_WASM is set: the portal bundle is a placeholder");
        for (_, name) in bundles {
            for file in [format!("{name}.js"), format!("{name}_bg.wasm")] {
                let path = pkg_dir.join(file);
                fs::write(&path, b"").expect("write placeholder");
                gzip_beside(&path);
            }
        }
        return;
    }

    ensure_wasm_target();
    println!("cargo:warning=building the WASM bundles (about two minutes on a cold cache)");
    let target_dir = nested_target_dir(&out_dir, "wasm");
    for (features, name) in bundles {
        build_bundle(&manifest_dir, &target_dir, &pkg_dir, features, name);
    }
}

/// One nested cargo build of `app` for wasm32 with `features`, then its JS glue, as
/// `pkg/NAME.js` and `pkg/NAME_bg.wasm` (each also gzipped).
fn build_bundle(
    manifest_dir: &Path,
    target_dir: &Path,
    pkg_dir: &Path,
    features: &str,
    name: &str,
) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(manifest_dir)
        .args(["build", "-p", "app", "--lib", "--features", features])
        .args(["--target", WASM_TARGET, "--profile", "wasm-release"])
        .arg("--target-dir")
        .arg(target_dir);
    scrub_build_script_env(&mut cmd);
    let status = cmd
        .status()
        .expect("run the nested cargo for the WASM bundle");
    if !status.success() {
        panic!("building the WASM bundle `{name}` failed (see the nested cargo output above)");
    }

    // Each build leaves its result here, so glue is generated before the next build.
    let input = target_dir
        .join(WASM_TARGET)
        .join("wasm-release")
        .join("app.wasm");
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen
        .input_path(&input)
        .web(true)
        .expect("wasm-bindgen web target")
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .out_name(name);
    bindgen
        .generate(pkg_dir)
        .unwrap_or_else(|e| panic!("wasm-bindgen failed on {}: {e}", input.display()));
    let (js, wasm) = (
        pkg_dir.join(format!("{name}.js")),
        pkg_dir.join(format!("{name}_bg.wasm")),
    );
    assert!(js.exists() && wasm.exists(), "wasm-bindgen wrote no bundle");
    gzip_beside(&js);
    gzip_beside(&wasm);
}

/// Writes `FILE.gz` (best compression) next to `file`: the server sends it to browsers that
/// accept gzip, compressed once here instead of on every request.
fn gzip_beside(file: &Path) {
    use std::io::Write;
    let bytes = fs::read(file).expect("read the bundle");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes).expect("gzip in memory");
    let mut out = file.as_os_str().to_owned();
    out.push(".gz");
    fs::write(out, gz.finish().expect("gzip in memory")).expect("write the gzipped bundle");
}

/// `<target>/NAME` (`wasm`, `assist`), next to the outer build's profile directories: the
/// nested builds' own target dirs, shared by every profile of the outer build.
fn nested_target_dir(out_dir: &Path, name: &str) -> PathBuf {
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out (or with a triple in between).
    out_dir
        .ancestors()
        .find(|p| p.join("CACHEDIR.TAG").exists())
        .map(|target| target.join(name))
        .unwrap_or_else(|| out_dir.join(format!("{name}-target")))
}

/// RUSTUP_AUTO_INSTALL=0 on these machines means rust-toolchain.toml's `targets` is not
/// installed by itself; a fresh checkout must still build with one command.
fn ensure_wasm_target() {
    if target_installed(WASM_TARGET) {
        return;
    }
    println!("cargo:warning=installing the {WASM_TARGET} target with rustup");
    match Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
    {
        Ok(s) if s.success() => {}
        Ok(s) => {
            panic!("`rustup target add {WASM_TARGET}` failed ({s}); install it and build again")
        }
        Err(_) => panic!(
            "the {WASM_TARGET} target is missing and rustup was not found: \
             install the target for your toolchain, or set BECKON_SKIP_WASM=1 for a build without the portal bundle"
        ),
    }
}

/// Whether the toolchain has the standard library for `triple`.
fn target_installed(triple: &str) -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .is_some_and(|sysroot| {
            Path::new(&sysroot)
                .join("lib/rustlib")
                .join(triple)
                .exists()
        })
}

/// Removes what cargo sets for build scripts, so the nested build is a plain one.
fn scrub_build_script_env(cmd: &mut Command) {
    const EXACT: &[&str] = &[
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_MAKEFLAGS",
        "MAKEFLAGS",
        "MFLAGS",
        "OUT_DIR",
        "TARGET",
        "HOST",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "NUM_JOBS",
        "CARGO_PKG_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "LEPTOS_OUTPUT_NAME",
        "CARGO_TARGET_DIR",
    ];
    const PREFIXES: &[&str] = &[
        "CARGO_FEATURE_",
        "CARGO_CFG_",
        "CARGO_MANIFEST_",
        "CARGO_PKG_",
    ];
    for key in EXACT {
        cmd.env_remove(key);
    }
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        if PREFIXES.iter().any(|p| key.starts_with(p)) {
            cmd.env_remove(key.as_ref());
        }
    }
}
