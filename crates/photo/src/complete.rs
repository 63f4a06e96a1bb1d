//! Whether an upload arrived whole: its container structure runs to its end marker.
//!
//! Decoders are lenient on purpose, because damaged camera files are common on the desktop:
//! the JPEG decoder behind `image` (zune-jpeg) fills a cut-off scan with grey, and the PNG
//! decoder stops once it has the pixels, before IEND. For uploads a cut-off file means a
//! failed transfer the phone should retry, so we refuse it instead of storing half a
//! picture. Bytes after the end marker (some phones append data) are allowed.

use crate::Format;

pub(crate) fn is_complete(format: Format, bytes: &[u8]) -> bool {
    match format {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        Format::Webp => webp(bytes),
    }
}

/// RIFF states the size of everything after its first 8 bytes.
fn webp(bytes: &[u8]) -> bool {
    let Some(size) = bytes
        .get(4..8)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    else {
        return false;
    };
    bytes.len() as u64 >= 8 + u64::from(size)
}

/// Chunks (length, type, data, CRC) from after the signature up to and including IEND.
fn png(bytes: &[u8]) -> bool {
    let mut at = 8;
    loop {
        let Some(head) = bytes.get(at..at + 8) else {
            return false;
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = at + 12 + len;
        if end > bytes.len() {
            return false;
        }
        if &head[4..8] == b"IEND" {
            return true;
        }
        at = end;
    }
}

/// Marker segments from SOI to EOI, skipping entropy-coded data after each SOS.
fn jpeg(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI, which `sniff` has checked
    loop {
        // A marker is 0xFF, optionally padded with more 0xFF, then a code byte.
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&code) = bytes.get(at) else {
            return false;
        };
        at += 1;
        match code {
            0xD9 => return true,
            // Stand-alone markers: restart markers and TEM carry no length.
            0xD0..=0xD7 | 0x01 => continue,
            _ => {}
        }
        let Some(len) = bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        if len < 2 || at + len > bytes.len() {
            return false;
        }
        at += len;
        if code == 0xDA {
            // Entropy-coded data follows a start of scan: it ends at the first 0xFF that is
            // neither a stuffed zero nor a restart marker (several scans in progressive files).
            loop {
                match bytes.get(at..at + 2) {
                    None => return false,
                    Some([0xFF, 0x00]) | Some([0xFF, 0xD0..=0xD7]) => at += 2,
                    Some([0xFF, _]) => break,
                    Some(_) => at += 1,
                }
            }
        }
    }
}
