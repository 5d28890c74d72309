//! An administrator acting as another user (`Sudo`) for some requests only.
//!
//! `GITLAB_URL=… GITLAB_TOKEN=<an administrator's token> cargo run -p gitlab-api-client --example impersonation -- some_user`

use gitlab_api_client::prelude::*;
use gitlab_api_client::{Client, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let admin = Client::new(&env("GITLAB_URL"))?.with_private_token(env("GITLAB_TOKEN"));
    let username = std::env::args().nth(1).expect("a username");

    let me = admin.get_current_user().await?;
    println!("token of {}", me.username.unwrap_or_default());

    // A clone shares the connection pool; only the clone sends `Sudo`.
    let as_user = admin.clone().with_sudo(username.as_str());
    let them = as_user.get_current_user().await?;
    println!("acting as {}", them.username.unwrap_or_default());
    for todo in as_user.list_todos().first(5).await? {
        println!("  to-do {}", todo.id.unwrap_or_default());
    }
    Ok(())
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name}"))
}
