//! Telling a missing project (404) from a bad token (401), and reading GitLab's message.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=… cargo run -p gitlab-api-client --example errors -- group/maybe-missing`

use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let gitlab = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "group/missing".to_owned());

    match gitlab.get_project(path.as_str()).await {
        Ok(project) => println!("found {}", project.web_url.unwrap_or_default()),
        Err(Error::Api(e)) if e.status == 404 => println!("no project {path} (or no access)"),
        Err(Error::Api(e)) if e.status == 401 => println!("the token was refused: {e}"),
        Err(Error::Api(e)) => {
            // Any other status: GitLab's own message, as JSON where it sent some.
            println!("GitLab answered {}: {}", e.status, e.raw);
        }
        // Not an answer of GitLab's: the network, a timeout, a body that does not decode.
        Err(other) => return Err(other),
    }
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
