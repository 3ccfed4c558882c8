fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("hello-tauri: {e}");
            std::process::exit(1)
        });
}
