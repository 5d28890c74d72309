//! An issue with labels and a due date, a comment on it, and the project's open issues with
//! a label.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=… GITLAB_PROJECT=group/project cargo run -p gitlab-api-client --example issues`

use gitlab_api_client::prelude::*;
use gitlab_api_client::types::{
    CreateProjectIssueBody, CreateProjectIssueNoteBody, IssueState, UpdateProjectIssueBody,
};
use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let project = env("GITLAB_PROJECT");

    let due = chrono::Utc::now().date_naive() + chrono::Days::new(14);
    let issue = gitlab
        .create_project_issue(
            project.as_str(),
            CreateProjectIssueBody {
                labels: Some("bug,backend".to_owned()),
                due_date: Some(due),
                description: Some("Made by the issues example.".to_owned()),
                ..CreateProjectIssueBody::new("Example: login fails")
            },
        )
        .await?;
    let iid = issue.iid.unwrap_or_default();
    println!("#{iid} due {:?}, labels {:?}", issue.due_date, issue.labels);

    gitlab
        .create_project_issue_note(
            project.as_str(),
            iid,
            CreateProjectIssueNoteBody::new("Reproduced on main."),
        )
        .await?;

    // Every field of an edit is optional: the body is `Default`.
    gitlab
        .update_project_issue(project.as_str(), iid)
        .body(UpdateProjectIssueBody {
            add_labels: Some("triaged".to_owned()),
            ..UpdateProjectIssueBody::default()
        })
        .await?;

    let bugs = gitlab
        .list_project_issues(project.as_str())
        .state(IssueState::Opened)
        .labels("bug")
        .first(20)
        .await?;
    for issue in bugs {
        println!(
            "#{} {}",
            issue.iid.unwrap_or_default(),
            issue.title.unwrap_or_default()
        );
    }
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
