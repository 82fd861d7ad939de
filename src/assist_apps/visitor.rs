//! Which computer a link page visitor is on, from their browser's User-Agent: it decides
//! what the page offers. A guess, never a gate: every app stays downloadable by its URL.

use wire::Platform;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visitor {
    /// Windows or Linux on x86-64: that app.
    Computer(Platform),
    /// macOS (and ChromeOS): no app yet, the browser.
    BrowserOnly,
    /// Phones and tablets: "open this link on your computer".
    Phone,
    /// Not told apart.
    Unknown,
}

impl Visitor {
    pub fn from_user_agent(ua: &str) -> Visitor {
        // Phones first: Android's says "Linux", the iPhone's says "like Mac OS X".
        if [
            "Android",
            "iPhone",
            "iPad",
            "iPod",
            "Mobile",
            "Windows Phone",
        ]
        .iter()
        .any(|n| ua.contains(n))
        {
            return Visitor::Phone;
        }
        if ua.contains("Windows") {
            // 32-bit and Arm Windows run x86-64 apps only sometimes; still the best offer.
            return Visitor::Computer(Platform::WindowsX86_64);
        }
        if ua.contains("Macintosh") || ua.contains("Mac OS X") || ua.contains("CrOS") {
            return Visitor::BrowserOnly;
        }
        if ua.contains("Linux") || ua.contains("X11") {
            return Visitor::Computer(Platform::LinuxX86_64);
        }
        Visitor::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_name_their_computer() {
        let cases = [
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
                Visitor::Computer(Platform::WindowsX86_64),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                Visitor::Computer(Platform::LinuxX86_64),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                Visitor::BrowserOnly,
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
                Visitor::Phone,
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                Visitor::Phone,
            ),
            (
                "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15",
                Visitor::Phone,
            ),
            (
                "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36",
                Visitor::BrowserOnly,
            ),
            ("curl/8.5.0", Visitor::Unknown),
            ("", Visitor::Unknown),
        ];
        for (ua, want) in cases {
            assert_eq!(Visitor::from_user_agent(ua), want, "{ua}");
        }
    }
}
