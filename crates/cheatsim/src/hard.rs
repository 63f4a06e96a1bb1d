//! The honest hard cases: days that look odd for honest reasons and must stay clean.

use tracksim::Knobs;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HardCase {
    Plain,
    /// Check-ins indoors on a coarse fix 100–250 m off, stating an honest large accuracy.
    IndoorOffset,
    /// Three times the usual share of Wi-Fi/cell fixes.
    NetworkFixes,
    /// Offline for 1–5 h: that stretch's fixes and actions arrive together later.
    OfflineSync,
    /// A new phone: a device id never seen before.
    NewPhone,
    /// Half the punches on the team's tablet, which the tenant lists as shared.
    SharedTablet,
    /// Ten times the multipath bursts, mostly while parked indoors.
    Multipath,
    /// Basements, underground car parks, tunnels, the app killed while driving.
    Underground,
    /// Visits on foot, up to 1.5 km away.
    Walker,
    /// 40–90 min without any signal around one visit (a basement warehouse).
    LongGap,
    /// A native client reporting developer mode on (harmless on its own).
    DeveloperMode,
    /// The days of a rep whose phone a colleague borrowed for a proxy punch.
    Lender,
    /// A weekly round: the previous working day's shops again, in the same order, each
    /// stay as long as the day brings (its stops line up with that day's by chance only).
    Routine,
}

impl HardCase {
    /// The cases every honest day is drawn from (`Lender` is assigned by a proxy trick,
    /// `Routine` to one rep-day in twelve besides).
    pub const DRAWN: [HardCase; 11] = [
        HardCase::Plain,
        HardCase::IndoorOffset,
        HardCase::NetworkFixes,
        HardCase::OfflineSync,
        HardCase::NewPhone,
        HardCase::SharedTablet,
        HardCase::Multipath,
        HardCase::Underground,
        HardCase::Walker,
        HardCase::LongGap,
        HardCase::DeveloperMode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HardCase::Plain => "plain",
            HardCase::IndoorOffset => "indoor check-ins 100-250 m off",
            HardCase::NetworkFixes => "network fixes x3",
            HardCase::OfflineSync => "offline, synced hours later",
            HardCase::NewPhone => "new phone",
            HardCase::SharedTablet => "shared tablet (by policy)",
            HardCase::Multipath => "multipath bursts x10",
            HardCase::Underground => "basements, tunnels, app killed",
            HardCase::Walker => "walker",
            HardCase::LongGap => "long signal gap (40-90 min)",
            HardCase::DeveloperMode => "developer mode on",
            HardCase::Lender => "lender's days (phone lent)",
            HardCase::Routine => "weekly round (yesterday's shops, same order)",
        }
    }

    /// The simulator's knobs for the day: no mock bursts (an honest phone has no mock
    /// app), and the case's difficulty turned up.
    pub fn knobs(self) -> Knobs {
        let mut k = Knobs {
            mock_day_p: 0.0,
            ..Knobs::default()
        };
        match self {
            HardCase::NetworkFixes => k.network_scale = 3.0,
            HardCase::Multipath => k.multipath_p = 0.03,
            HardCase::Underground => {
                k.basement_p = 0.6;
                k.tunnel_p = 0.6;
                k.killed_p = 0.4;
            }
            HardCase::Walker => {
                k.on_foot_p = 1.0;
                k.walk_max_m = 1500.0;
            }
            _ => {}
        }
        k
    }
}
