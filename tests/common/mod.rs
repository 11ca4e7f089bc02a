//! Helpers shared by the integration tests: where the shared instances live.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data folder: `$ATOLL_SHARED`, else `../shared` beside the checkout.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("ATOLL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// True when `ATOLL_REQUIRE_GPU` is set (not empty, not `0`): CI sets it, having installed
/// lavapipe, so a GPU test that finds no adapter fails there instead of skipping. On a
/// developer's machine without a Vulkan driver the GPU tests still skip, saying why.
pub fn gpu_required() -> bool {
    std::env::var("ATOLL_REQUIRE_GPU").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Reports a GPU test that cannot run: a skip on a developer's machine, a failure under
/// `ATOLL_REQUIRE_GPU` (see [`gpu_required`]).
pub fn gpu_missing(reason: &str) {
    assert!(
        !gpu_required(),
        "ATOLL_REQUIRE_GPU is set but no GPU adapter was found: {reason}"
    );
    eprintln!("SKIPPED: no GPU adapter ({reason}); install mesa-vulkan-drivers for lavapipe");
}

/// Every shared `.ctt` instance: comp01–14 and the extra set.
pub fn all_instances() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["instances/itc2007", "instances/extra"] {
        let dir = shared_dir().join(sub);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ctt"))
            .collect();
        files.sort();
        v.extend(files);
    }
    assert!(v.len() >= 19, "expected the 14 comp and 5 extra instances");
    v
}

/// Loads and parses an instance, panicking with the parse error.
pub fn load(path: &std::path::Path) -> atoll::Instance {
    let bytes = std::fs::read(path).unwrap();
    atoll::parse_instance(&bytes, &path.display().to_string()).unwrap()
}
pub mod campus;
