//! Every string the page shows, in one table (English and French).

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the fallback).
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The language for the `lang` query parameter, else the browser's language, else English.
    /// Region subtags are ignored (`fr-CA` is French).
    pub fn detect(query: Option<&str>, navigator: Option<&str>) -> Self {
        query.and_then(Self::parse).or_else(|| navigator.and_then(Self::parse)).unwrap_or(Self::En)
    }

    fn parse(code: &str) -> Option<Self> {
        let primary = code.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "fr" => Some(Self::Fr),
            _ => None,
        }
    }

    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// The text of `key`; `{name}` placeholders are left for [`Lang::fill`].
    pub fn t(self, key: Key) -> &'static str {
        let (en, fr) = key.texts();
        match self {
            Self::En => en,
            Self::Fr => fr,
        }
    }

    /// The text of `key` with `{name}` replaced.
    pub fn fill(self, key: Key, name: &str) -> String {
        self.t(key).replace("{name}", name)
    }
}

macro_rules! strings {
    ($($key:ident => $en:literal, $fr:literal;)*) => {
        /// A string of the page.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $(
            #[doc = $en]
            $key,
        )* }

        impl Key {
            /// Every key, for tests.
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            /// `(English, French)`.
            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($en, $fr),)* }
            }
        }
    };
}

strings! {
    Title => "Connect an account", "Connecter un compte";
    Close => "Close", "Fermer";
    Loading => "Loading…", "Chargement…";
    SessionExpiredTitle => "Session expired", "Session expirée";
    SessionExpiredBody => "This connection link has expired. Close this window and start again from the app.",
        "Ce lien de connexion a expiré. Fermez cette fenêtre et recommencez depuis l’application.";
    NoTokenTitle => "No connect session", "Aucune session de connexion";
    NoTokenIframe => "The app that opened this window did not send a connect session token. Close this window and try again; if it keeps happening, contact the app’s support.",
        "L’application qui a ouvert cette fenêtre n’a pas envoyé de jeton de session. Fermez cette fenêtre et réessayez ; si le problème persiste, contactez le support de l’application.";
    NoTokenStandalone => "This page must be opened from an app, or with a connect link that carries a session token.",
        "Cette page doit être ouverte depuis une application, ou avec un lien de connexion qui contient un jeton de session.";
    LoadErrorTitle => "Something went wrong", "Une erreur est survenue";
    ChooseIntegration => "Choose the service to connect", "Choisissez le service à connecter";
    NoIntegrations => "No integration is available for this session.", "Aucune intégration n’est disponible pour cette session.";
    ConnectTo => "Connect {name}", "Connecter {name}";
    OAuthHint => "A new window will open so that you can sign in to {name} and allow access.",
        "Une nouvelle fenêtre va s’ouvrir pour vous connecter à {name} et autoriser l’accès.";
    NoAuthHint => "{name} needs no credentials: connect it in one click.", "{name} ne demande aucun identifiant : connectez-le en un clic.";
    CredentialsHint => "Enter your {name} credentials.", "Saisissez vos identifiants {name}.";
    Docs => "Where do I find these?", "Où trouver ces informations ?";
    Connect => "Connect", "Connecter";
    Connecting => "Connecting…", "Connexion…";
    PopupHint => "Finish in the window that opened.", "Terminez dans la fenêtre qui s’est ouverte.";
    Back => "Back", "Retour";
    Optional => "optional", "facultatif";
    Required => "This field is required.", "Ce champ est obligatoire.";
    InvalidUrl => "Enter a full URL, starting with https://.", "Saisissez une URL complète, commençant par https://.";
    InvalidChoice => "Choose one of the proposed values.", "Choisissez l’une des valeurs proposées.";
    FixErrors => "Some fields need your attention.", "Certains champs sont à corriger.";
    Select => "Select…", "Choisir…";
    SuccessTitle => "Connected", "Connecté";
    SuccessBody => "Your {name} account is now connected.", "Votre compte {name} est maintenant connecté.";
    PendingBody => "The {name} connection is pending: finish the installation on the provider’s side.",
        "La connexion {name} est en attente : terminez l’installation chez le fournisseur.";
    Finish => "Finish", "Terminer";
    FailureTitle => "Connection failed", "Échec de la connexion";
    FailureBody => "{name} could not be connected.", "Impossible de connecter {name}.";
    ErrorType => "Error", "Erreur";
    ConfirmTitle => "Discard what you entered?", "Abandonner votre saisie ?";
    ConfirmBody => "The form is partly filled in; leaving it loses what you typed.",
        "Le formulaire est partiellement rempli ; en le quittant, votre saisie sera perdue.";
    ConfirmLeave => "Discard", "Abandonner";
    ConfirmStay => "Keep editing", "Continuer la saisie";
    SecuredBy => "Secured by Nango", "Sécurisé par Nango";
    Closed => "You can close this window.", "Vous pouvez fermer cette fenêtre.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated() {
        for &key in Key::ALL {
            let (en, fr) = key.texts();
            assert!(!en.trim().is_empty() && !fr.trim().is_empty(), "{key:?}");
            assert_eq!(en.contains("{name}"), fr.contains("{name}"), "{key:?} placeholders differ");
        }
    }

    #[test]
    fn detects_the_language() {
        assert_eq!(Lang::detect(Some("fr"), Some("en-US")), Lang::Fr);
        assert_eq!(Lang::detect(None, Some("fr-CA")), Lang::Fr);
        assert_eq!(Lang::detect(Some("de"), Some("FR")), Lang::Fr);
        assert_eq!(Lang::detect(Some("de"), None), Lang::En);
        assert_eq!(Lang::detect(None, None), Lang::En);
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(Lang::Fr.fill(Key::ConnectTo, "GitHub"), "Connecter GitHub");
        assert_eq!(Lang::En.fill(Key::SuccessBody, "Stripe"), "Your Stripe account is now connected.");
    }
}
