//! The latest pipelines of a project, their jobs, a failed job's log and a retry.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=… GITLAB_PROJECT=group/project cargo run -p gitlab-api-client --example pipelines`

use gitlab_api_client::prelude::*;
use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let project = env("GITLAB_PROJECT");

    for pipeline in gitlab
        .list_project_pipelines(project.as_str())
        .first(5)
        .await?
    {
        let id = pipeline.id.unwrap_or_default();
        println!(
            "pipeline {id} on {}: {}",
            pipeline.r#ref.unwrap_or_default(),
            pipeline.status.unwrap_or_default()
        );
        for job in gitlab
            .list_project_pipeline_jobs(project.as_str(), id)
            .all()
            .await?
        {
            let job_id = job.id.unwrap_or_default();
            let status = job.status.unwrap_or_default();
            println!("  {} {status}", job.name.unwrap_or_default());
            if status == "failed" {
                // The log is text; the last lines say why.
                let log = gitlab
                    .get_project_job_trace(project.as_str(), job_id)
                    .await?;
                let log = String::from_utf8_lossy(&log);
                for line in log
                    .lines()
                    .rev()
                    .take(5)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                {
                    println!("    | {line}");
                }
                let retried = gitlab.retry_project_job(project.as_str(), job_id).await?;
                println!("    retried as job {}", retried.id.unwrap_or_default());
            }
        }
    }
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
