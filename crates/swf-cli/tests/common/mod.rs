//! The CLI suites' harness is the workspace's one test kit (`swf-testkit`: a real swf-server
//! built from the current source on 127.0.0.1), with `Server::start` meaning what these suites
//! need: the organisations with their users, so `swf login` has someone to sign in as.
#![allow(dead_code, unused_imports)]

pub use swf_testkit::*;

/// `Server::start` as these suites use it: [`swf_testkit::Server::start_with_users`].
pub struct Server;

impl Server {
    pub async fn start(env: &[(&str, &str)]) -> swf_testkit::Server {
        swf_testkit::Server::start_with_users(env).await
    }
}
