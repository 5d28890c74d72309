//! The README's `codegen.toml` example is one `Config` accepts, with every setting it shows.

use generator::{Config, OperationNames};

#[test]
fn the_readme_codegen_toml_parses() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("codegen.toml`:\n   ```toml\n")
        .expect("the README shows a codegen.toml");
    let block = &readme[start..];
    let block = &block[block.find('\n').unwrap() + 1..];
    let body: String = block
        .lines()
        .skip(1)
        .take_while(|l| l.trim() != "```")
        .map(|l| format!("{}\n", l.trim_start()))
        .collect();
    let config = Config::parse("README.md", &body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    assert_eq!(config.output, "my-client");
    assert_eq!(config.settings.operation_names, OperationNames::Auto);
    assert_eq!(config.settings.drop_paths, ["/api/v3/"]);
    assert_eq!(
        config.settings.rename["GET /api/v4/user"],
        "get_current_user"
    );
    assert_eq!(config.settings.rename_types.len(), 1);
}
