//! A file attached to a project (for Markdown), and a generic package file.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=… GITLAB_PROJECT=group/project cargo run -p gitlab-api-client --example uploads -- ./report.pdf`

use gitlab_api_client::{Client, Error, File};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let project = env("GITLAB_PROJECT");
    let path = std::env::args().nth(1).expect("a file to upload");

    // A multipart upload: the answer has the Markdown that links it.
    let file = File::from_path(&path).expect("a readable file");
    let upload = gitlab.create_project_upload(project.as_str(), file).await?;
    println!("uploaded to {}", upload.full_path.unwrap_or_default());

    // A generic package file: the bytes are the request body.
    let bytes = std::fs::read(&path).expect("a readable file");
    let name = std::path::Path::new(&path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_owned());
    gitlab
        .update_project_package_generic(project.as_str(), "examples", "1.0.0", name, bytes)
        .await?;
    println!("published to the generic package registry");
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
