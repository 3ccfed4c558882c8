//! Where the service listens: a TCP address, or a Unix socket for a proxy on the same host
//! (D84). `--listen 127.0.0.1:8080`, `--listen unix:/run/swf/swf.sock`.
//!
//! A Unix socket is the usual way for nginx to reach a service on its own host: no TCP port to
//! guard, access by file permissions, and less work per request for both sides (no TCP/IP
//! stack on loopback). The socket is created mode 0660, so the proxy's user reaches it through
//! the service's group. A socket file left by a service that was killed is replaced; one that
//! a running service answers on is not, and neither is anything that is not a socket.
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use tokio::net::{TcpListener, TcpStream};

/// Where to listen, as configured: `host:port`, or `unix:` and a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl From<SocketAddr> for Listen {
    fn from(a: SocketAddr) -> Self {
        Listen::Tcp(a)
    }
}

impl FromStr for Listen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err("unix: zonder pad; bijvoorbeeld unix:/run/swf/swf.sock".into());
            }
            return Ok(Listen::Unix(PathBuf::from(path)));
        }
        s.parse().map(Listen::Tcp).map_err(|_| {
            format!(
                "'{s}' is geen adres: verwacht host:poort (127.0.0.1:8080) of unix:pad (unix:/run/swf/swf.sock)"
            )
        })
    }
}

impl fmt::Display for Listen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Listen::Tcp(a) => write!(f, "{a}"),
            Listen::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

impl<'de> Deserialize<'de> for Listen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A bound listener. A Unix socket's file is removed when the listener is dropped.
pub(crate) enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener, SocketFile),
}

/// An accepted connection.
pub(crate) enum Connection {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
}

impl Listener {
    pub(crate) async fn bind(at: &Listen) -> std::io::Result<Listener> {
        match at {
            Listen::Tcp(a) => Ok(Listener::Tcp(TcpListener::bind(a).await?)),
            #[cfg(unix)]
            Listen::Unix(p) => bind_unix(p).await,
            #[cfg(not(unix))]
            Listen::Unix(_) => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "Unix-sockets bestaan niet op dit platform",
            )),
        }
    }

    /// Where it listens: for TCP with the port the system chose for port 0.
    pub(crate) fn local(&self) -> std::io::Result<Listen> {
        match self {
            Listener::Tcp(l) => Ok(Listen::Tcp(l.local_addr()?)),
            #[cfg(unix)]
            Listener::Unix(_, f) => Ok(Listen::Unix(f.0.clone())),
        }
    }

    pub(crate) async fn accept(&self) -> std::io::Result<Connection> {
        match self {
            Listener::Tcp(l) => {
                let (s, _) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Ok(Connection::Tcp(s))
            }
            #[cfg(unix)]
            Listener::Unix(l, _) => Ok(Connection::Unix(l.accept().await?.0)),
        }
    }
}

/// The socket file of a Unix listener, removed when it is dropped.
#[cfg(unix)]
pub(crate) struct SocketFile(PathBuf);

#[cfg(unix)]
impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(unix)]
async fn bind_unix(path: &Path) -> std::io::Result<Listener> {
    use std::io::{Error, ErrorKind};
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => {
            // left by a service that stopped without cleaning up, or one that still runs
            if tokio::net::UnixStream::connect(path).await.is_ok() {
                return Err(Error::new(
                    ErrorKind::AddrInUse,
                    "er luistert al een service op deze socket",
                ));
            }
            std::fs::remove_file(path)?;
        }
        Ok(_) => {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                "dit pad bestaat al en is geen socket",
            ))
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let l = tokio::net::UnixListener::bind(path)?;
    let file = SocketFile(path.to_owned());
    // the proxy connects through the group; nobody else
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o660))?;
    Ok(Listener::Unix(l, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_socket_paths_parse_and_print_back() {
        let tcp: Listen = "127.0.0.1:8080".parse().unwrap();
        assert_eq!(tcp, Listen::Tcp(SocketAddr::from(([127, 0, 0, 1], 8080))));
        assert_eq!(tcp.to_string(), "127.0.0.1:8080");
        let unix: Listen = "unix:/run/swf/swf.sock".parse().unwrap();
        assert_eq!(unix, Listen::Unix(PathBuf::from("/run/swf/swf.sock")));
        assert_eq!(unix.to_string(), "unix:/run/swf/swf.sock");
        let v6: Listen = "[::1]:0".parse().unwrap();
        assert_eq!(v6.to_string(), "[::1]:0");
        for bad in ["unix:", "localhost", "127.0.0.1", "/run/swf.sock", ""] {
            let e = bad.parse::<Listen>().unwrap_err();
            assert!(e.contains("unix:"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_config_file_takes_either() {
        #[derive(Deserialize)]
        struct F {
            a: Listen,
            b: Listen,
        }
        let f: F = toml::from_str("a = \"10.0.0.11:8080\"\nb = \"unix:swf.sock\"").unwrap();
        assert_eq!(f.a.to_string(), "10.0.0.11:8080");
        assert_eq!(f.b, Listen::Unix(PathBuf::from("swf.sock")));
        assert!(toml::from_str::<F>("a = \"8080\"\nb = \"unix:x\"").is_err());
    }
}
