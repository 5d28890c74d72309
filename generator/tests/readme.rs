//! The README's examples do what it says: its `codegen.toml` is one `Config` accepts, with
//! every setting it shows, and its overlay action corrects the field it names.

use oapi_client_gen_core::{Config, Input, MemoryFiles, OperationNames, generate};

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap()
}

#[test]
fn the_readme_overlay_action_retypes_the_field_it_names() {
    let readme = readme();
    let start = readme
        .find("Correct the spec with an overlay")
        .expect("the README shows an overlay action");
    let block = &readme[start..];
    let block = &block[block.find("```yaml\n").expect("a yaml block") + 8..];
    let action = &block[..block.find("```").unwrap()];
    let overlay =
        format!("overlay: 1.0.0\ninfo:\n  title: fixes\n  version: 1.0.0\nactions:\n{action}");
    // GitLab's badge entity as its Swagger 2.0 document declares it.
    let spec = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /badges/{badge_id}:\n    get:\n      operationId: getBadge\n      parameters: [{name: badge_id, in: path, required: true, type: integer}]\n      responses:\n        '200': {description: ok, schema: {$ref: '#/definitions/API_Entities_Badge'}}\ndefinitions:\n  API_Entities_Badge:\n    type: object\n    properties:\n      id: {type: string}\n      name: {type: string}\n";
    let run = |overlay: Option<&str>| {
        let mut files = MemoryFiles::new().with("spec.yaml", spec);
        if let Some(o) = overlay {
            files = files.with("overlay.yaml", o);
        }
        let input = Input {
            spec: "spec.yaml".into(),
            overlay: overlay.map(|_| "overlay.yaml".into()),
            display_name: "readme".into(),
            settings: Default::default(),
            package: None,
            emit_threads: 1,
            ..Default::default()
        };
        let generated = generate(&input, &files).unwrap_or_else(|d| panic!("{d}"));
        generated
            .files
            .into_iter()
            .find(|f| f.path == "src/types.rs")
            .expect("types.rs")
            .contents
    };
    assert!(run(None).contains("pub id: Option<String>,"));
    let fixed = run(Some(&overlay));
    assert!(fixed.contains("pub id: Option<i64>,"), "{fixed}");
    assert!(fixed.contains("pub name: Option<String>,"));
}

#[test]
fn the_readme_codegen_toml_parses() {
    let readme = readme();
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
    assert_eq!(config.output, "../../my-client");
    assert_eq!(config.settings.operation_names, OperationNames::Auto);
    assert_eq!(config.settings.drop_paths, ["/api/v3/"]);
    assert_eq!(
        config.settings.rename["GET /api/v4/user"],
        "get_current_user"
    );
    assert_eq!(config.settings.rename_types.len(), 1);
    assert_eq!(config.settings.skip_path_words, ["repository"]);
}

/// The GitLab client's examples the README lists are those of `generated-client/examples/`,
/// each named in backticks in its paragraph, and no other.
#[test]
fn the_readme_lists_the_gitlab_examples() {
    let readme = readme();
    let start = readme
        .find("Runnable examples of the common tasks are in `generated-client/examples/`")
        .expect("the README lists the examples");
    let paragraph = &readme[start..];
    let paragraph = &paragraph[..paragraph.find("\n\n").unwrap()];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../generated-client/examples");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 7, "{files:?}");
    for name in &files {
        assert!(
            paragraph.contains(&format!("`{name}`")),
            "{name} is not in:\n{paragraph}"
        );
    }
}
