//! The README's command-line example, as written: its required part runs (the spec path it
//! names exists and generates a crate), and every option its synopsis shows in brackets is one
//! the command accepts, with the values it lists.

use std::path::Path;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_oapi-client-gen");

/// The README's `sh` block that runs the command: each command line, its continuations joined.
fn synopsis() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme
        .find("```sh\ncargo run -p oapi-client-gen -- ")
        .expect("the README shows the command in a `sh` block");
    let block = &readme[start + "```sh\n".len()..];
    let block = &block[..block.find("```").expect("the block ends")];
    block
        .replace("\\\n", " ")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The synopsis without its `[…]` groups, and the groups.
fn split(line: &str) -> (String, Vec<String>) {
    let mut required = String::new();
    let mut optional = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        required.push_str(&rest[..open]);
        let close = rest[open..].find(']').expect("a `[` is closed") + open;
        optional.push(rest[open + 1..close].to_owned());
        rest = &rest[close + 1..];
    }
    required.push_str(rest);
    (required, optional)
}

#[test]
fn the_readme_command_runs_as_written() {
    let lines = synopsis();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let known: [&[&str]; 2] = [
        &["specs/features/openapi.yaml", "--out", "petstore-client"],
        &[
            "--config",
            "specs/features/codegen.toml",
            "--out",
            "petstore-client",
        ],
    ];
    for (line, known) in lines.iter().zip(known) {
        let (required, _) = split(line);
        let words: Vec<&str> = required.split_whitespace().collect();
        let args = &words[words
            .iter()
            .position(|w| *w == "--")
            .expect("`--` before the arguments")
            + 1..];
        assert_eq!(args, known, "the test knows this form");
        // Paths in the README are the workspace's; the crate goes into a scratch folder.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("petstore-client");
        let args: Vec<std::ffi::OsString> = args
            .iter()
            .map(|a| match *a {
                "petstore-client" => out.clone().into_os_string(),
                a if a.starts_with("specs/") => root.join(a).into_os_string(),
                a => a.into(),
            })
            .collect();
        let o = Command::new(EXE).args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        for file in ["Cargo.toml", "src/lib.rs", ".oapi-client-gen.json"] {
            assert!(out.join(file).is_file(), "{file} is written");
        }
        let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
        if args.len() == 4 {
            // The config's [package] name.
            assert!(
                manifest.contains("name = \"features-client\""),
                "{manifest}"
            );
        }
    }
}

#[test]
fn every_option_the_readme_shows_is_accepted() {
    let optional: Vec<String> = synopsis().iter().flat_map(|l| split(l).1).collect();
    assert!(optional.len() >= 8, "{optional:?}");
    let help = Command::new(EXE).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for group in &optional {
        let mut words = group.split_whitespace();
        let flag = words.next().unwrap();
        let flag_at = help
            .find(&format!("{flag} "))
            .or_else(|| help.find(&format!("{flag}\n")))
            .unwrap_or_else(|| panic!("`--help` has no `{flag}`:\n{help}"));
        if let Some(values) = words.next().filter(|v| v.contains('|')) {
            let line = &help[flag_at..];
            let line = &line[..line.find("\n  -").unwrap_or(line.len())];
            for v in values.split('|') {
                assert!(
                    line.contains(v),
                    "`{flag}` does not list the value `{v}`: {line}"
                );
            }
        }
    }
}
