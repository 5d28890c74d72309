//! Three ways through a long list: a stream of items, one page with GitLab's totals, the
//! first N.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=… cargo run -p gitlab-api-client --example pagination`

use futures_util::StreamExt;
use gitlab_api_client::prelude::*;
use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));

    // Items one by one, the next page fetched when the last one's items are used up.
    let mut projects = gitlab
        .list_projects()
        .membership(true)
        .per_page(50)
        .stream();
    let mut seen = 0;
    while let Some(project) = projects.next().await {
        let project = project?;
        seen += 1;
        if seen <= 3 {
            println!("{}", project.path_with_namespace.unwrap_or_default());
        }
    }
    println!("{seen} projects");

    // One page, with the counts GitLab sends in `X-Total` and `X-Total-Pages`.
    let page = gitlab.list_projects().membership(true).send_page().await?;
    println!("{} on this page, {:?} in all", page.items.len(), page.total);

    // The first ten, however they are paged.
    let todos = gitlab.list_todos().first(10).await?;
    println!("{} to-do items", todos.len());
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
