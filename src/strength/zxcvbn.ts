/**
 * PasswordStrength over @zxcvbn-ts (core + the language-neutral dictionaries: common passwords, names, keyboard
 * patterns). Rules:
 * - Loaded lazily at the first estimate (about 2 MB of dictionaries; measured ~30 ms to import and ~25 ms to build
 *   on a laptop-class core), never at start-up and never in the browser: the pages only carry the passphrase tip.
 * - The user's own words (login and its parts) are passed per call, so a password built on the username scores low.
 * - Inputs longer than 256 characters never reach it (the core refuses them first); zxcvbn's own cap is 256 too.
 */
import type { PasswordStrength } from '../core/ports.js';

interface Estimator {
  check(password: string, userInputs?: (string | number)[]): { score: number } | Promise<{ score: number }>;
}

export function createZxcvbnStrength(): PasswordStrength {
  let loading: Promise<Estimator> | null = null;
  const load = async (): Promise<Estimator> => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  };
  return {
    async score(password, userInputs) {
      loading ??= load().catch((e: unknown) => {
        loading = null;
        throw e;
      });
      const z = await loading;
      const r = await z.check(password, [...userInputs]);
      return r.score;
    },
  };
}
