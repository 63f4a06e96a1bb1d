//! One line per reason code that a manager understands without knowing GPS, in Chinese
//! and English, for the CLI and the benchmark. The web front ends translate the codes
//! themselves.

use serde::{Deserialize, Serialize};

use crate::verdict::ReasonCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    Zh,
    En,
}

impl ReasonCode {
    /// The stable code as the server stores it (`snake_case`).
    pub fn as_str(self) -> &'static str {
        use ReasonCode::*;
        match self {
            MockLocation => "mock_location",
            Rooted => "rooted",
            Emulator => "emulator",
            DeveloperMode => "developer_mode",
            ImpossibleSpeed => "impossible_speed",
            Teleport => "teleport",
            SyntheticTrack => "synthetic_track",
            FrozenPosition => "frozen_position",
            PinDrop => "pin_drop",
            ReplayedTrack => "replayed_track",
            ClockTampered => "clock_tampered",
            ProxyPunch => "proxy_punch",
            DeviceShared => "device_shared",
            PhotoReused => "photo_reused",
            PhotoExifMismatch => "photo_exif_mismatch",
            TrackingOff => "tracking_off",
            CheckInWithoutTrack => "check_in_without_track",
        }
    }

    pub fn explain(self, lang: Lang) -> &'static str {
        use ReasonCode::*;
        match (self, lang) {
            (MockLocation, Lang::En) => {
                "The phone itself reported that its location came from a location-faking app."
            }
            (MockLocation, Lang::Zh) => "手机自己报告定位来自虚拟定位软件。",
            (Rooted, Lang::En) => {
                "The phone is rooted or jailbroken, which makes faking location and time easy."
            }
            (Rooted, Lang::Zh) => "手机已root或越狱，伪造位置和时间变得容易。",
            (Emulator, Lang::En) => {
                "The app ran on a computer pretending to be a phone, not on a real phone."
            }
            (Emulator, Lang::Zh) => "应用运行在模拟手机的电脑上，而不是真实手机。",
            (DeveloperMode, Lang::En) => {
                "Developer mode was on; harmless by itself, but needed by most location-faking apps."
            }
            (DeveloperMode, Lang::Zh) => {
                "手机开启了开发者模式；本身无害，但多数虚拟定位软件需要它。"
            }
            (ImpossibleSpeed, Lang::En) => {
                "The track jumps or moves faster than any car can, so some positions are not real."
            }
            (ImpossibleSpeed, Lang::Zh) => "轨迹跳跃或移动速度超过任何汽车，部分位置不真实。",
            (Teleport, Lang::En) => {
                "A check-in was far from where the phone's own track was at that moment."
            }
            (Teleport, Lang::Zh) => "签到位置与手机同一时刻的轨迹相距很远。",
            (SyntheticTrack, Lang::En) => {
                "The track looks machine-made: steady speed, ruler-straight lines, no stops at lights, unnatural jitter."
            }
            (SyntheticTrack, Lang::Zh) => "轨迹像是软件生成的：匀速、笔直、不等红灯、抖动不自然。",
            (FrozenPosition, Lang::En) => {
                "The position stayed exactly the same for minutes; a real phone's position always drifts a little."
            }
            (FrozenPosition, Lang::Zh) => "位置在几分钟内分毫不差；真实手机的定位总会轻微漂移。",
            (PinDrop, Lang::En) => {
                "Several check-ins sit exactly on the customers' stored map points, as if placed there by hand."
            }
            (PinDrop, Lang::Zh) => "多次签到恰好落在客户登记的地图坐标上，像是手动放置的。",
            (ReplayedTrack, Lang::En) => {
                "Today's stops repeat an earlier day's track (this rep's or a colleague's), only shifted in time."
            }
            (ReplayedTrack, Lang::Zh) => {
                "今天的停留与之前某天（本人或同事）的轨迹完全一致，只是时间平移。"
            }
            (ClockTampered, Lang::En) => {
                "The phone's clock was changed: its times disagree with when the server received them."
            }
            (ClockTampered, Lang::Zh) => "手机时间被改动：记录的时间与服务器收到的时间不符。",
            (ProxyPunch, Lang::En) => {
                "Punches were made on a phone that normally belongs to a colleague."
            }
            (ProxyPunch, Lang::Zh) => "打卡使用的是通常属于同事的手机。",
            (DeviceShared, Lang::En) => {
                "This rep's phone was also used by a colleague on the same day."
            }
            (DeviceShared, Lang::Zh) => "当天同事也使用过这位员工的手机。",
            (PhotoReused, Lang::En) => {
                "A photo had been uploaded before (the same picture or a copy of it)."
            }
            (PhotoReused, Lang::Zh) => "照片以前上传过（同一张或其副本）。",
            (PhotoExifMismatch, Lang::En) => {
                "A photo's own recorded time or place does not match the visit."
            }
            (PhotoExifMismatch, Lang::Zh) => "照片自带的拍摄时间或地点与拜访不符。",
            (TrackingOff, Lang::En) => {
                "Location tracking was off for a large part of the working day."
            }
            (TrackingOff, Lang::Zh) => "工作时间内有很长一段没有定位轨迹。",
            (CheckInWithoutTrack, Lang::En) => {
                "Check-ins happened with no track at all before or after them."
            }
            (CheckInWithoutTrack, Lang::Zh) => "签到前后完全没有定位轨迹。",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_serde_name_and_two_distinct_lines() {
        for code in ReasonCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let (zh, en) = (code.explain(Lang::Zh), code.explain(Lang::En));
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            assert!(en.is_ascii() && en.ends_with('.'), "{en}");
        }
        let mut lines: Vec<_> = ReasonCode::ALL
            .iter()
            .map(|c| c.explain(Lang::En))
            .collect();
        lines.sort();
        lines.dedup();
        assert_eq!(lines.len(), ReasonCode::ALL.len());
    }
}
