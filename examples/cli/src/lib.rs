//! `nango-cli-demo`: Nango auth from a command-line program, on the native driver of
//! `nango-frontend` (feature `native`). See `README.md`.
//!
//! The library half holds the command line ([`run`]) and the test browser ([`fake_browser`])
//! that the end-to-end tests use in place of the system browser.

pub mod fake_browser;

use nango_frontend::native::{CommandOpener, set_opener};
use nango_frontend::{AuthError, AuthOptions, Credentials, Nango, NangoConfig, SessionTokens, TokenSource};

/// The usage text.
pub const USAGE: &str = "usage: nango-cli-demo --host URL --session-url URL [--open-with CMD] [--timeout SECS] [--debug] \
(auth INTEGRATION | api-key INTEGRATION KEY)";

/// What to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An OAuth flow in the browser.
    Auth {
        /// The integration's unique key.
        integration: String,
    },
    /// A credential POST with an API key.
    ApiKey {
        /// The integration's unique key.
        integration: String,
        /// The API key.
        key: String,
    },
}

/// The parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    /// The Nango host.
    pub host: String,
    /// Where a connect session token is minted (`POST`, answers `{token}` or `{data: {token}}`).
    pub session_url: String,
    /// A command run with the URL instead of the system browser.
    pub open_with: Option<String>,
    /// The auth's timeout, in seconds (default: the SDK's).
    pub timeout: Option<u64>,
    /// Debug logs on standard error.
    pub debug: bool,
    /// What to do.
    pub command: Command,
}

impl Args {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let (mut host, mut session_url, mut open_with, mut timeout, mut debug) =
            (None, None, None, None, false);
        let mut words = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--host" => host = Some(value("--host")?),
                "--session-url" => session_url = Some(value("--session-url")?),
                "--open-with" => open_with = Some(value("--open-with")?),
                "--timeout" => {
                    let secs = value("--timeout")?;
                    timeout = Some(
                        secs.parse().map_err(|_| format!("--timeout: not a number of seconds: {secs}"))?,
                    );
                }
                "--debug" => debug = true,
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                _ => words.push(arg),
            }
        }
        let command = match words.as_slice() {
            [verb, integration] if verb == "auth" => Command::Auth { integration: integration.clone() },
            [verb, integration, key] if verb == "api-key" => {
                Command::ApiKey { integration: integration.clone(), key: key.clone() }
            }
            _ => return Err("expected `auth INTEGRATION` or `api-key INTEGRATION KEY`".to_owned()),
        };
        Ok(Self {
            host: host.ok_or("--host is required")?,
            session_url: session_url.ok_or("--session-url is required")?,
            open_with,
            timeout,
            debug,
            command,
        })
    }
}

/// Runs the command: `connected <connection_id>` on success, else the error. Call it inside a
/// tokio runtime, on the thread that awaits it.
pub async fn run(args: Args) -> Result<String, AuthError> {
    if let Some(command) = &args.open_with {
        let opener = CommandOpener::from_command_line(command)
            .ok_or_else(|| AuthError::invalid_provider_setup("--open-with: an empty command"))?;
        set_opener(opener);
    }
    let config = NangoConfig::new().host(args.host).debug(args.debug);
    // The token comes from the app's backend (here the dev server's demo endpoint), never from a
    // secret key on the user's machine.
    let token = SessionTokens::new(TokenSource::backend(args.session_url)).get().await?;
    let nango = Nango::new(config.connect_session_token(token))?;
    let mut options = AuthOptions::new();
    if let Some(secs) = args.timeout {
        options = options.timeout(std::time::Duration::from_secs(secs));
    }
    let connection = match args.command {
        Command::Auth { integration } => nango.auth(&integration, options).await?,
        Command::ApiKey { integration, key } => {
            nango.auth(&integration, options.credentials(Credentials::api_key(key))).await?
        }
    };
    Ok(format!("connected {}", connection.connection_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args, String> {
        Args::parse(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn the_command_line() {
        let args = parse("--host http://h --session-url http://h/s --open-with x auth github-dev").unwrap();
        assert_eq!(args.command, Command::Auth { integration: "github-dev".into() });
        assert_eq!(args.open_with.as_deref(), Some("x"));
        let args =
            parse("api-key api-key-dev k --host http://h --session-url http://h/s --timeout 3").unwrap();
        assert_eq!(args.command, Command::ApiKey { integration: "api-key-dev".into(), key: "k".into() });
        assert_eq!(args.timeout, Some(3));
        for bad in [
            "--host http://h auth x",
            "--host http://h --session-url s",
            "--host http://h --session-url s auth",
            "--host http://h --session-url s --bogus auth x",
            "--host http://h --session-url s --timeout soon auth x",
            "--host",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
