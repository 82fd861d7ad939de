//! Builds the assist app (`assist/`, `beckon-assist`) for each platform the server hands it
//! out for, with the small `assist` profile, and writes `OUT_DIR/assist_apps.rs`: the
//! files (embedded with `include_bytes!`, so the one server binary carries its apps) and,
//! for each platform it could not build here, why.
//!
//! Linux x86-64 is built on a Linux x86-64 host. Windows x86-64 is cross-built with MinGW
//! (`x86_64-pc-windows-gnu`), statically linked (no MinGW DLLs beside the `.exe`), when
//! MinGW is installed; without it the server still builds and says the app is missing.
//!
//! `BECKON_SKIP_ASSIST=1` builds no app (fast `cargo check`, the fuzz targets).

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Platform {
    name: &'static str,
    triple: &'static str,
    file: &'static str,
}

const PLATFORMS: [Platform; 2] = [
    Platform {
        name: "windows-x86_64",
        triple: "x86_64-pc-windows-gnu",
        file: "beckon-assist.exe",
    },
    Platform {
        name: "linux-x86_64",
        triple: "x86_64-unknown-linux-gnu",
        file: "beckon-assist",
    },
];

/// How the Windows app links: statically, MinGW's C++ and runtime archives included.
const WINDOWS_RUSTFLAGS: &str = "-C target-feature=+crt-static -C link-args=-static \
    -C link-arg=-Wl,--start-group -C link-arg=-l:libstdc++.a -C link-arg=-l:libgcc.a \
    -C link-arg=-l:libgcc_eh.a -C link-arg=-lmingw32 -C link-arg=-lmingwex \
    -C link-arg=-lmsvcrt -C link-arg=-lkernel32 -C link-arg=-Wl,--end-group";

pub fn build(manifest_dir: &Path, out_dir: &Path) {
    for path in ["assist", "wire", "media"] {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=BECKON_SKIP_ASSIST");
    let skip = env::var_os("BECKON_SKIP_ASSIST").is_some_and(|v| v != "0");
    let target_dir = crate::nested_target_dir(out_dir, "assist");
    let mut built = Vec::new();
    let mut missing = Vec::new();
    for p in &PLATFORMS {
        let why_not = if skip {
            Some("BECKON_SKIP_ASSIST is set".to_owned())
        } else {
            unbuildable(p)
        };
        if let Some(why) = why_not {
            println!(
                "cargo:warning=the {} assist app is not built: {why}",
                p.name
            );
            missing.push((p.name, why));
            continue;
        }
        println!("cargo:warning=building the {} assist app", p.name);
        let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(manifest_dir)
            .args(["build", "-p", "beckon-assist", "--profile", "assist"])
            .args(["--target", p.triple])
            .arg("--target-dir")
            .arg(&target_dir);
        crate::scrub_build_script_env(&mut cmd);
        if p.triple.contains("windows") {
            // One file, no MinGW DLLs (libstdc++ for OpenH264, libgcc) beside it: cc names
            // no C++ library (rustc would link it as a DLL), and the final link takes the
            // archives, with what they need from MinGW's runtime.
            cmd.env("CXXSTDLIB_x86_64_pc_windows_gnu", "").env(
                "CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUSTFLAGS",
                WINDOWS_RUSTFLAGS,
            );
        }
        let status = cmd
            .status()
            .expect("run the nested cargo for the assist app");
        if !status.success() {
            panic!(
                "building the {} assist app failed (see the nested cargo output above)",
                p.name
            );
        }
        built.push((
            p.name,
            target_dir.join(p.triple).join("assist").join(p.file),
        ));
    }
    write_table(out_dir, &built, &missing);
}

/// Why `p` cannot be built on this machine, if it cannot.
fn unbuildable(p: &Platform) -> Option<String> {
    let host = env::var("HOST").unwrap_or_default();
    if p.triple == host {
        return None;
    }
    if p.triple.contains("linux") {
        return Some(format!("it is built only on a {} host", p.triple));
    }
    let mingw = Command::new("x86_64-w64-mingw32-gcc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !mingw {
        return Some(
            "MinGW is not installed (Debian: apt-get install g++-mingw-w64-x86-64)".into(),
        );
    }
    if !crate::target_installed(p.triple) {
        let added = Command::new("rustup")
            .args(["target", "add", p.triple])
            .status()
            .is_ok_and(|s| s.success());
        if !added {
            return Some(format!(
                "the Rust target is not installed (rustup target add {})",
                p.triple
            ));
        }
    }
    None
}

fn write_table(out_dir: &Path, built: &[(&str, PathBuf)], missing: &[(&str, String)]) {
    let mut rs =
        String::from("/// The assist apps built with this server: (platform, file, its slot).\n");
    rs.push_str("pub const BUILT: &[(&str, &[u8], usize)] = &[\n");
    for (name, path) in built {
        // Found here once, so no server start scans the embedded files for it.
        let file = fs::read(path).expect("read the built assist app");
        let slot = wire::slot::find(&file).unwrap_or_else(|e| panic!("the {name} app: {e}"));
        writeln!(
            rs,
            "    ({name:?}, include_bytes!({:?}), {slot}),",
            path.display().to_string()
        )
        .unwrap();
    }
    rs.push_str("];\n/// The platforms not built here, and why.\n");
    rs.push_str("pub const MISSING: &[(&str, &str)] = &[\n");
    for (name, why) in missing {
        writeln!(rs, "    ({name:?}, {why:?}),").unwrap();
    }
    rs.push_str("];\n");
    fs::write(out_dir.join("assist_apps.rs"), rs).expect("write assist_apps.rs");
}
