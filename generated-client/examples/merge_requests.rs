//! Open merge requests of a project, a new one, and an approval.
//!
//! `GITLAB_URL=https://gitlab.example.com GITLAB_TOKEN=glpat-… GITLAB_PROJECT=group/project \
//!  cargo run -p gitlab-api-client --example merge_requests`

use futures_util::StreamExt;
use gitlab_api_client::prelude::*;
use gitlab_api_client::types::{
    ApproveProjectMergeRequestBody, CreateProjectMergeRequestBody, MergeRequestState,
};
use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let project = env("GITLAB_PROJECT");

    // Every open merge request, page after page.
    let mut open = gitlab
        .list_project_merge_requests(project.as_str())
        .state(MergeRequestState::Opened)
        .per_page(100)
        .stream();
    while let Some(mr) = open.next().await {
        let mr = mr?;
        println!(
            "!{} {}",
            mr.iid.unwrap_or_default(),
            mr.title.unwrap_or_default()
        );
    }

    // A new one: the smallest body names the required fields only.
    let body = CreateProjectMergeRequestBody {
        description: Some("Made by the merge_requests example.".to_owned()),
        remove_source_branch: Some(true),
        ..CreateProjectMergeRequestBody::new("Draft: example", "feature/example", "main")
    };
    let mr = gitlab
        .create_project_merge_request(project.as_str(), body)
        .await?;
    let iid = mr.iid.unwrap_or_default();
    println!("created !{iid} at {}", mr.web_url.unwrap_or_default());

    gitlab
        .approve_project_merge_request(
            project.as_str(),
            iid,
            ApproveProjectMergeRequestBody::default(),
        )
        .await?;
    println!("approved !{iid}");
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
