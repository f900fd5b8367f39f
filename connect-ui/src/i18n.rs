//! Every string the page shows, in one table: English, French, German, Spanish and Japanese
//! (the languages of Nango's own Connect UI, `docs/protocol.md` §5).

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English (the fallback).
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Spanish.
    Es,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in table order.
    pub const ALL: [Self; 5] = [Self::En, Self::Fr, Self::De, Self::Es, Self::Ja];

    /// The language of the `lang` query parameter, else the first supported one of the
    /// browser's languages (`navigator.languages`, most preferred first), else English.
    /// Region subtags are ignored (`fr-CA` is French).
    pub fn detect<'a>(query: Option<&str>, browser: impl IntoIterator<Item = &'a str>) -> Self {
        query.and_then(Self::parse).or_else(|| browser.into_iter().find_map(Self::parse)).unwrap_or(Self::En)
    }

    fn parse(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Self::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The BCP 47 code, for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Es => "es",
            Self::Ja => "ja",
        }
    }

    /// The text of `key`; `{name}` placeholders are left for [`Lang::fill`].
    pub fn t(self, key: Key) -> &'static str {
        let [en, fr, de, es, ja] = key.texts();
        match self {
            Self::En => en,
            Self::Fr => fr,
            Self::De => de,
            Self::Es => es,
            Self::Ja => ja,
        }
    }

    /// The text of `key` with `{name}` replaced.
    pub fn fill(self, key: Key, name: &str) -> String {
        self.t(key).replace("{name}", name)
    }
}

/// What a failure of this kind means for the user, as Nango's page words it (the error type
/// and the server's message are shown as well).
pub fn failure_hint(kind: &nango_frontend::AuthErrorType) -> Option<Key> {
    use nango_frontend::AuthErrorType as T;
    Some(match kind {
        T::BlockedByBrowser => Key::PopupBlocked,
        T::WindowClosed => Key::PopupClosed,
        T::ConnectionTestFailed => Key::InvalidCredentials,
        T::ResourceCapped => Key::ResourceCapped,
        _ => return None,
    })
}

macro_rules! strings {
    ($($key:ident => $en:literal, $fr:literal, $de:literal, $es:literal, $ja:literal;)*) => {
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

            /// The texts in [`Lang::ALL`] order.
            fn texts(self) -> [&'static str; 5] {
                match self { $(Key::$key => [$en, $fr, $de, $es, $ja],)* }
            }
        }
    };
}

strings! {
    Title => "Connect an account", "Connecter un compte", "Konto verbinden", "Conectar una cuenta", "アカウントを接続";
    Close => "Close", "Fermer", "Schließen", "Cerrar", "閉じる";
    Loading => "Loading…", "Chargement…", "Wird geladen…", "Cargando…", "読み込み中…";
    SessionExpiredTitle => "Session expired", "Session expirée", "Sitzung abgelaufen", "Sesión caducada", "セッションの有効期限切れ";
    SessionExpiredBody => "This connection link has expired. Close this window and start again from the app.",
        "Ce lien de connexion a expiré. Fermez cette fenêtre et recommencez depuis l’application.",
        "Dieser Verbindungslink ist abgelaufen. Schließen Sie dieses Fenster und beginnen Sie in der App erneut.",
        "Este enlace de conexión ha caducado. Cierre esta ventana y vuelva a empezar desde la aplicación.",
        "この接続リンクは有効期限が切れています。このウィンドウを閉じて、アプリからやり直してください。";
    NoTokenTitle => "No connect session", "Aucune session de connexion", "Keine Verbindungssitzung", "No hay sesión de conexión", "接続セッションがありません";
    NoTokenIframe => "The app that opened this window did not send a connect session token. Close this window and try again; if it keeps happening, contact the app’s support.",
        "L’application qui a ouvert cette fenêtre n’a pas envoyé de jeton de session. Fermez cette fenêtre et réessayez ; si le problème persiste, contactez le support de l’application.",
        "Die App, die dieses Fenster geöffnet hat, hat kein Sitzungstoken gesendet. Schließen Sie dieses Fenster und versuchen Sie es erneut; passiert es wieder, wenden Sie sich an den Support der App.",
        "La aplicación que abrió esta ventana no envió un token de sesión. Cierre esta ventana e inténtelo de nuevo; si vuelve a ocurrir, contacte con el soporte de la aplicación.",
        "このウィンドウを開いたアプリから接続セッショントークンが送られていません。ウィンドウを閉じてもう一度お試しください。繰り返し発生する場合は、アプリのサポートにお問い合わせください。";
    NoTokenStandalone => "This page must be opened from an app, or with a connect link that carries a session token.",
        "Cette page doit être ouverte depuis une application, ou avec un lien de connexion qui contient un jeton de session.",
        "Diese Seite muss aus einer App heraus geöffnet werden oder über einen Verbindungslink mit Sitzungstoken.",
        "Esta página debe abrirse desde una aplicación o con un enlace de conexión que incluya un token de sesión.",
        "このページはアプリから、またはセッショントークン付きの接続リンクから開く必要があります。";
    LoadErrorTitle => "Something went wrong", "Une erreur est survenue", "Etwas ist schiefgelaufen", "Algo salió mal", "問題が発生しました";
    ChooseIntegration => "Choose the service to connect", "Choisissez le service à connecter", "Wählen Sie den Dienst, den Sie verbinden möchten", "Elija el servicio que desea conectar", "接続するサービスを選択してください";
    NoIntegrations => "No integration is available for this session.", "Aucune intégration n’est disponible pour cette session.",
        "Für diese Sitzung ist keine Integration verfügbar.", "No hay ninguna integración disponible para esta sesión.", "このセッションで利用できるインテグレーションはありません。";
    ConnectTo => "Connect {name}", "Connecter {name}", "{name} verbinden", "Conectar {name}", "{name} を接続";
    OAuthHint => "A new window will open so that you can sign in to {name} and allow access.",
        "Une nouvelle fenêtre va s’ouvrir pour vous connecter à {name} et autoriser l’accès.",
        "Ein neues Fenster öffnet sich, damit Sie sich bei {name} anmelden und den Zugriff erlauben können.",
        "Se abrirá una nueva ventana para que inicie sesión en {name} y autorice el acceso.",
        "新しいウィンドウが開きます。{name} にサインインしてアクセスを許可してください。";
    NoAuthHint => "{name} needs no credentials: connect it in one click.", "{name} ne demande aucun identifiant : connectez-le en un clic.",
        "{name} braucht keine Zugangsdaten: Verbinden Sie es mit einem Klick.", "{name} no necesita credenciales: conéctelo con un clic.",
        "{name} には認証情報は不要です。ワンクリックで接続できます。";
    OutboundHint => "Connecting {name} starts its installation: finish it on {name}’s side.",
        "Connecter {name} lance son installation : terminez-la chez {name}.",
        "Das Verbinden von {name} startet die Installation: Schließen Sie sie bei {name} ab.",
        "Conectar {name} inicia su instalación: termínela en {name}.",
        "{name} を接続するとインストールが始まります。{name} 側で完了してください。";
    CredentialsHint => "Enter your {name} credentials.", "Saisissez vos identifiants {name}.", "Geben Sie Ihre Zugangsdaten für {name} ein.",
        "Introduzca sus credenciales de {name}.", "{name} の認証情報を入力してください。";
    Docs => "Where do I find these?", "Où trouver ces informations ?", "Wo finde ich diese Angaben?", "¿Dónde encuentro estos datos?", "これらはどこで確認できますか？";
    FieldDocs => "Documentation for {name}", "Documentation de {name}", "Dokumentation zu {name}", "Documentación de {name}",
        "{name} のドキュメント";
    Connect => "Connect", "Connecter", "Verbinden", "Conectar", "接続";
    Connecting => "Connecting…", "Connexion…", "Verbindung wird hergestellt…", "Conectando…", "接続中…";
    PopupHint => "Finish in the window that opened.", "Terminez dans la fenêtre qui s’est ouverte.", "Schließen Sie den Vorgang im geöffneten Fenster ab.",
        "Termine en la ventana que se abrió.", "開いたウィンドウで操作を完了してください。";
    Back => "Back", "Retour", "Zurück", "Atrás", "戻る";
    Optional => "optional", "facultatif", "optional", "opcional", "任意";
    Required => "This field is required.", "Ce champ est obligatoire.", "Dieses Feld ist erforderlich.", "Este campo es obligatorio.", "この項目は必須です。";
    InvalidUrl => "Enter a full URL, starting with https://.", "Saisissez une URL complète, commençant par https://.",
        "Geben Sie eine vollständige URL ein, beginnend mit https://.", "Introduzca una URL completa que empiece por https://.",
        "https:// で始まる完全な URL を入力してください。";
    InvalidChoice => "Choose one of the proposed values.", "Choisissez l’une des valeurs proposées.", "Wählen Sie einen der angebotenen Werte.",
        "Elija uno de los valores propuestos.", "表示されている値から選択してください。";
    InvalidFormat => "This value does not have the expected format.", "Cette valeur n’a pas le format attendu.",
        "Dieser Wert hat nicht das erwartete Format.", "Este valor no tiene el formato esperado.", "この値の形式が正しくありません。";
    FixErrors => "Some fields need your attention.", "Certains champs sont à corriger.", "Einige Felder müssen korrigiert werden.",
        "Algunos campos requieren su atención.", "確認が必要な項目があります。";
    Select => "Select…", "Choisir…", "Auswählen…", "Seleccionar…", "選択…";
    ExternalIdHint => "Use this External ID when configuring your IAM trust policy.",
        "Utilisez cet identifiant externe (External ID) dans la politique d’approbation de votre rôle IAM.",
        "Verwenden Sie diese External ID in der Vertrauensrichtlinie Ihrer IAM-Rolle.",
        "Use este External ID al configurar la política de confianza de IAM.",
        "IAM 信頼ポリシーを設定するときは、この外部 ID（External ID）を使用してください。";
    Copy => "Copy", "Copier", "Kopieren", "Copiar", "コピー";
    Copied => "Copied", "Copié", "Kopiert", "Copiado", "コピーしました";
    PreviewNotice => "Preview: connecting is disabled.", "Aperçu : la connexion est désactivée.", "Vorschau: Verbinden ist deaktiviert.",
        "Vista previa: la conexión está desactivada.", "プレビュー：接続は無効です。";
    SuccessTitle => "Connected", "Connecté", "Verbunden", "Conectado", "接続しました";
    SuccessBody => "Your {name} account is now connected.", "Votre compte {name} est maintenant connecté.", "Ihr {name}-Konto ist jetzt verbunden.",
        "Su cuenta de {name} ya está conectada.", "{name} アカウントが接続されました。";
    PendingBody => "The {name} connection is pending: finish the installation on the provider’s side.",
        "La connexion {name} est en attente : terminez l’installation chez le fournisseur.",
        "Die Verbindung zu {name} ist ausstehend: Schließen Sie die Installation beim Anbieter ab.",
        "La conexión de {name} está pendiente: termine la instalación en el proveedor.",
        "{name} の接続は保留中です。プロバイダー側でインストールを完了してください。";
    CloseTab => "You can now close this tab.", "Vous pouvez maintenant fermer cet onglet.", "Sie können diesen Tab jetzt schließen.",
        "Ya puede cerrar esta pestaña.", "このタブを閉じてかまいません。";
    Finish => "Finish", "Terminer", "Fertig", "Finalizar", "完了";
    FailureTitle => "Connection failed", "Échec de la connexion", "Verbindung fehlgeschlagen", "Error de conexión", "接続に失敗しました";
    FailureBody => "{name} could not be connected.", "Impossible de connecter {name}.", "{name} konnte nicht verbunden werden.",
        "No se pudo conectar {name}.", "{name} を接続できませんでした。";
    PopupBlocked => "The browser blocked the sign-in window. Allow pop-ups for this site, then try again.",
        "Le navigateur a bloqué la fenêtre de connexion. Autorisez les fenêtres pop-up pour ce site, puis réessayez.",
        "Der Browser hat das Anmeldefenster blockiert. Erlauben Sie Pop-ups für diese Website und versuchen Sie es erneut.",
        "El navegador bloqueó la ventana de inicio de sesión. Permita las ventanas emergentes para este sitio y vuelva a intentarlo.",
        "ブラウザーがサインイン用のウィンドウをブロックしました。このサイトのポップアップを許可して、もう一度お試しください。";
    PopupClosed => "The sign-in window was closed before the end.", "La fenêtre de connexion a été fermée avant la fin.",
        "Das Anmeldefenster wurde vor dem Ende geschlossen.", "La ventana de inicio de sesión se cerró antes de terminar.",
        "サインイン用のウィンドウが完了前に閉じられました。";
    InvalidCredentials => "{name} refused these credentials: check them and try again.",
        "{name} a refusé ces identifiants : vérifiez-les et réessayez.",
        "{name} hat diese Zugangsdaten abgelehnt: Prüfen Sie sie und versuchen Sie es erneut.",
        "{name} rechazó estas credenciales: compruébelas y vuelva a intentarlo.",
        "{name} はこの認証情報を受け付けませんでした。確認して、もう一度お試しください。";
    ResourceCapped => "The connection limit of this account is reached.", "La limite de connexions de ce compte est atteinte.",
        "Das Verbindungslimit dieses Kontos ist erreicht.", "Se ha alcanzado el límite de conexiones de esta cuenta.",
        "このアカウントの接続数の上限に達しました。";
    AuthorizationFailed => "The authorization failed.", "L’autorisation a échoué.", "Die Autorisierung ist fehlgeschlagen.",
        "La autorización ha fallado.", "認可に失敗しました。";
    ErrorType => "Error", "Erreur", "Fehler", "Error", "エラー";
    ConfirmTitle => "Discard what you entered?", "Abandonner votre saisie ?", "Eingaben verwerfen?", "¿Descartar lo que ha introducido?", "入力内容を破棄しますか？";
    ConfirmBody => "The form is partly filled in; leaving it loses what you typed.",
        "Le formulaire est partiellement rempli ; en le quittant, votre saisie sera perdue.",
        "Das Formular ist teilweise ausgefüllt; wenn Sie es verlassen, gehen Ihre Eingaben verloren.",
        "El formulario está parcialmente rellenado; si sale, perderá lo que ha escrito.",
        "フォームは入力途中です。移動すると入力内容は失われます。";
    ConfirmLeave => "Discard", "Abandonner", "Verwerfen", "Descartar", "破棄";
    ConfirmStay => "Keep editing", "Continuer la saisie", "Weiter bearbeiten", "Seguir editando", "編集を続ける";
    SecuredBy => "Secured by Nango", "Sécurisé par Nango", "Gesichert durch Nango", "Protegido por Nango", "Nango により保護されています";
    Closed => "You can close this window.", "Vous pouvez fermer cette fenêtre.", "Sie können dieses Fenster schließen.",
        "Puede cerrar esta ventana.", "このウィンドウを閉じてかまいません。";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts that are the same word in English.
    const SAME_AS_ENGLISH: &[(Key, Lang)] = &[(Key::Optional, Lang::De), (Key::ErrorType, Lang::Es)];

    #[test]
    fn every_key_is_translated_with_the_same_placeholders() {
        for &key in Key::ALL {
            let [en, rest @ ..] = key.texts();
            assert!(!en.trim().is_empty(), "{key:?}");
            for (text, lang) in rest.iter().zip(&Lang::ALL[1..]) {
                assert!(!text.trim().is_empty(), "{key:?} in {lang:?}");
                assert_eq!(
                    en.contains("{name}"),
                    text.contains("{name}"),
                    "{key:?} placeholders differ in {lang:?}"
                );
                let same = SAME_AS_ENGLISH.contains(&(key, *lang));
                assert_eq!(*text == en, same, "{key:?} in {lang:?}: a copy of the English text");
            }
        }
    }

    #[test]
    fn detects_the_language() {
        assert_eq!(Lang::detect(Some("fr"), ["en-US"]), Lang::Fr);
        assert_eq!(Lang::detect(None, ["fr-CA"]), Lang::Fr);
        assert_eq!(Lang::detect(Some("de-AT"), ["fr"]), Lang::De);
        assert_eq!(Lang::detect(Some("es"), []), Lang::Es);
        assert_eq!(Lang::detect(Some("JA_jp"), []), Lang::Ja);
        // An unsupported query falls back to the browser's languages, in order of preference.
        assert_eq!(Lang::detect(Some("it"), ["pt-BR", "ja", "fr"]), Lang::Ja);
        assert_eq!(Lang::detect(Some("it"), []), Lang::En);
        assert_eq!(Lang::detect(None, []), Lang::En);
        assert_eq!(Lang::detect(Some(""), ["", "zz"]), Lang::En);
    }

    #[test]
    fn fills_placeholders() {
        assert_eq!(Lang::Fr.fill(Key::ConnectTo, "GitHub"), "Connecter GitHub");
        assert_eq!(Lang::De.fill(Key::ConnectTo, "GitHub"), "GitHub verbinden");
        assert_eq!(Lang::Ja.fill(Key::ConnectTo, "GitHub"), "GitHub を接続");
        assert_eq!(Lang::Es.fill(Key::SuccessBody, "Stripe"), "Su cuenta de Stripe ya está conectada.");
        assert_eq!(Lang::En.fill(Key::SuccessBody, "Stripe"), "Your Stripe account is now connected.");
    }

    #[test]
    fn failures_get_nangos_hints() {
        use nango_frontend::AuthErrorType as T;
        assert_eq!(failure_hint(&T::BlockedByBrowser), Some(Key::PopupBlocked));
        assert_eq!(failure_hint(&T::WindowClosed), Some(Key::PopupClosed));
        assert_eq!(failure_hint(&T::from_code("connection_test_failed")), Some(Key::InvalidCredentials));
        assert_eq!(failure_hint(&T::from_code("resource_capped")), Some(Key::ResourceCapped));
        assert_eq!(failure_hint(&T::from_code("callback_err")), None);
        assert_eq!(failure_hint(&T::ConnectionValidationFailed), None, "its message says it all");
    }
}
