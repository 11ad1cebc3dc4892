// A real OpenID Provider for the ledger's tests: oidc-provider (pinned in package-lock.json) over HTTPS on loopback.
//
//   node provider.mjs CONFIG.json
//
// CONFIG names the issuer, the port, the TLS certificate and key (PEM files the test made with its own CA), the
// clients, the accounts and the roles each gets. Access tokens are ES256 JWTs for the resource `urn:mlledger`
// (audience `mlledger`, RFC 8707 resource indicators) with a top-level `roles` claim. Grants: client credentials,
// device authorization (RFC 8628; the dev sign-in pages accept any account name), authorization code and refresh
// tokens. Besides its oidc-provider metadata, a client of CONFIG may carry:
//   roles                  the roles of its client credentials tokens
//   accessTokenTtlSeconds  how long its access tokens live
//   requirePkce            its authorization requests must carry a PKCE challenge (S256, the only method offered)
//   noDefaultResource      an access token is for `urn:mlledger` only when it asks with `resource`; otherwise it is
//                          for the userinfo endpoint (what an OpenID Connect relying party gets by default)
// The scope `roles` adds the account's roles as a top-level `roles` claim (an array of strings) to ID tokens and to
// userinfo; `openid` alone gives only `sub`. RP-initiated logout (end_session) asks the person to confirm.
//
// The test steers it over stdin, one command a line, each answered by one JSON line on stdout:
//   rotate       a new key signs from now on; the old ones stay published
//   remove KID   KID is no longer published (nor used)
//   keys         which key signs and which are published
//   stats        requests served per endpoint so far (discovery, jwks, token, device)
// Its first line on stdout is {"listening": PORT} once it accepts connections.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createInterface } from 'node:readline';
import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const resource = 'urn:mlledger';

const privateKeys = new Map(); // kid -> private JWK
let signing;
let published = [];

function newKey() {
  const kid = `k${privateKeys.size + 1}`;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  privateKeys.set(kid, { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' });
  return kid;
}

// what CONFIG says of a client beyond its metadata
const extra = (clientId) => config.clients.find((c) => c.client_id === clientId) ?? {};

function build() {
  // the first key of an algorithm signs; the others are only published
  const keys = [signing, ...published.filter((kid) => kid !== signing)].map((kid) => privateKeys.get(kid));
  const provider = new Provider(config.issuer, {
    jwks: { keys },
    clients: config.clients.map(({ roles, accessTokenTtlSeconds, requirePkce, noDefaultResource, ...client }) => client),
    cookies: { keys: [config.cookieKey] },
    features: {
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, client, oneOf) => {
          if (oneOf) return oneOf[0];
          return extra(client.clientId).noDefaultResource ? undefined : resource;
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          if (indicator !== resource) {
            throw new errors.InvalidTarget();
          }

          const ttl = extra(client.clientId).accessTokenTtlSeconds;
          return {
            scope: 'ledger',
            audience: config.audience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ttl ?? config.accessTokenTtlSeconds,
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    clientDefaults: { id_token_signed_response_alg: 'ES256' }, // the only keys are P-256
    scopes: ['openid', 'offline_access', 'ledger', 'roles'],
    claims: { openid: ['sub'], roles: ['roles'] },
    // scope claims go into ID tokens whatever the response type, also beside an access token for userinfo
    conformIdTokenClaims: false,
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return { sub: id, roles: config.accounts[id] ?? [] }; } };
    },
    async extraTokenClaims(ctx, token) {
      const roles = token.accountId
        ? config.accounts[token.accountId] ?? []
        : extra(token.clientId).roles ?? [];
      return { roles };
    },
    issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token'),
    ttl: { DeviceCode: 600, RefreshToken: 3600, Grant: 3600, Session: 3600, Interaction: 600 },
    pkce: { methods: ['S256'], required: (ctx, client) => extra(client.clientId).requirePkce === true },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider.callback();
}

signing = newKey();
published = [signing];
let handle = build();

const served = { discovery: 0, jwks: 0, token: 0, device: 0 };
const server = createServer({ cert: readFileSync(config.certFile), key: readFileSync(config.keyFile) }, (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/.well-known/openid-configuration') served.discovery++;
  else if (path === '/jwks') served.jwks++;
  else if (path === '/token') served.token++;
  else if (path === '/device/auth') served.device++;
  handle(req, res);
});

function answer(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, argument] = line.replace(/^\uFEFF/, '').trim().split(/\s+/);
  switch (command) {
    case 'rotate':
      signing = newKey();
      published = [signing, ...published];
      handle = build();
      answer({ signing, published });
      break;
    case 'remove':
      published = published.filter((kid) => kid !== argument);
      if (signing === argument) signing = published[0];
      handle = build();
      answer({ signing, published });
      break;
    case 'keys':
      answer({ signing, published });
      break;
    case 'stats':
      answer(served);
      break;
    default:
      answer({ error: `unknown command ${command}` });
  }
}).on('close', () => server.close(() => process.exit(0)));

server.listen(config.port, '127.0.0.1', () => answer({ listening: server.address().port }));
