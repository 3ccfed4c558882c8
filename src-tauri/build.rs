fn main() {
    // the config lives at the workspace root (next to ui/ and icons/), not in src-tauri/
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri-build: could not process ../tauri.conf.json");
}
