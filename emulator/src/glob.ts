// Path globs for rate-limit rules and faults. Rules: matched against the request path without its query string;
// `*` (or `**`) matches one or more whole path segments ('/api/v1/users/*' matches '/api/v1/users/00u1' and
// '/api/v1/users/00u1/factors'); every other character is literal; a pattern must match the whole path.
export function compileGlob(pattern: string): RegExp {
  const parts = pattern.split(/\*+/).map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+(?:/[^/]+)*')}$`);
}

export function globMatches(pattern: string, path: string): boolean {
  return compileGlob(pattern).test(path);
}
