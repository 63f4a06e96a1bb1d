// A real SMTP server for the delivery tests (`tests/it/report_delivery.rs`): listens on
// 127.0.0.1 (port 0 = any free one), accepts any sender and recipients without TLS or
// authentication, and writes each message it accepts to the folder given as the first
// argument: `N.eml` (the message as received) beside `N.json` (the envelope). Each file
// is written under a temporary name and renamed, so a reader never sees half a message.
// Prints `listening PORT` once it accepts connections.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const dir = process.argv[2];
const port = Number(process.argv[3] || 0);
if (!dir) {
  console.error('usage: node sink.js DIR [PORT]');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
let count = 0;

function writeAtomically(file, data) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 50 * 1024 * 1024,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      count += 1;
      const envelope = {
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
      };
      writeAtomically(path.join(dir, `${count}.json`), JSON.stringify(envelope));
      writeAtomically(path.join(dir, `${count}.eml`), Buffer.concat(chunks));
      callback();
    });
  },
});
server.on('error', (e) => console.error('smtp sink:', e.message));
server.listen(port, '127.0.0.1', () => {
  console.log(`listening ${server.server.address().port}`);
});
// The test closes our stdin (or dies): stop with it, leaving no server behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
