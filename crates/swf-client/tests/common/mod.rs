//! Kept for cli.rs and cli_keyring.rs only (they move to crates/swf-cli): the test kit, with
//! `Server::start` the engine suites' start (the organisations with their users). Every other
//! suite uses `swf_testkit` directly.
#![allow(dead_code, unused_imports)]

pub use swf_testkit::*;

/// `Server::start` as these two files knew it: [`swf_testkit::Server::start_with_users`].
pub struct Server;

impl Server {
    pub async fn start(env: &[(&str, &str)]) -> swf_testkit::Server {
        swf_testkit::Server::start_with_users(env).await
    }
}
