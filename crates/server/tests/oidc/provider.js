// A real OpenID provider for the single sign-on tests (`tests/it/oidc.rs`): panva's
// oidc-provider on 127.0.0.1 (port 0 = any free one), issuer `http://127.0.0.1:PORT`.
// The first argument is a JSON object `{ "clients": [ … ] }` in oidc-provider's client
// metadata format. Any login name signs in (no password): the account's `sub` is
// `sub-<login>`, `preferred_username` is the login and `email` is `<login>@example.com`.
// Our own small login page replaces the library's development one so a test can submit
// it without parsing HTML: POST /interaction/UID/login with `login=NAME` signs NAME in and
// grants the requested scopes; POST /interaction/UID/abort answers the client
// `error=access_denied`. Prints `listening PORT` once it accepts connections.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] || '{}');

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

let provider;

async function interaction(req, res) {
  const m = req.url.match(/^\/interaction\/([^/?]+)(?:\/(login|abort))?/);
  if (!m) return false;
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><form method="post" action="/interaction/${details.uid}/login">`
      + '<input name="login"><button>Sign in</button></form>');
    return true;
  }
  const form = await readForm(req);
  if (m[2] === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'the user cancelled',
    }, { mergeWithLastSubmission: false });
    return true;
  }
  const accountId = `sub-${form.get('login')}`;
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
  return true;
}

const server = http.createServer(async (req, res) => {
  try {
    if (await interaction(req, res)) return;
    provider.callback()(req, res);
  } catch (e) {
    res.statusCode = 500;
    res.end(String(e && e.message));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: config.clients || [],
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['preferred_username', 'name'],
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
    async findAccount(ctx, sub) {
      const login = sub.replace(/^sub-/, '');
      return {
        accountId: sub,
        async claims() {
          return {
            sub, preferred_username: login, name: login,
            email: `${login}@example.com`, email_verified: true,
          };
        },
      };
    },
  });
  provider.on('server_error', (ctx, err) => console.error('oidc provider:', err));
  console.log(`listening ${port}`);
  // The test reads that one line and closes the pipe: the library's later notices go to
  // stderr, or a write to the closed stdout would end the process.
  console.log = console.info = console.error;
});
// The test closes our stdin (or dies): stop with it, leaving no server behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
