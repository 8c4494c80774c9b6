// Security questions: the recovery question credential (credentials.recovery_question) and the `question` factor.
// Rules (Okta's management spec): a recovery question is free text of 1-100 characters and its answer 1-100
// characters (RecoveryQuestionCredential), at least 4 for the factor (UserFactorSecurityQuestionProfile.answer
// minLength) and, as Okta's password policy enforces, for the credential too; answers are compared case-insensitively
// (RecoveryQuestionCredential: "validated (case insensitive)"), so the stored hash is of the trimmed, lower-cased
// answer; an answer is never stored, echoed or logged in clear. The factor offers exactly Okta's twenty question
// keys (listSupportedSecurityQuestions; the spec's enum and Okta's documented texts).
import { errors } from '../errors.js';
import { hashPassword, hashPasswordSync, verifyPassword } from './passwords.js';
import type { PasswordHashing } from '../seed/schema.js';
import type { OrgState } from './state.js';

/** Okta's security questions, in Okta's order (key → questionText). */
export const SECURITY_QUESTIONS: readonly { question: string; questionText: string }[] = [
  { question: 'disliked_food', questionText: 'What is the food you least liked as a child?' },
  { question: 'name_of_first_plush_toy', questionText: 'What is the name of your first stuffed animal?' },
  { question: 'first_award', questionText: 'What did you earn your first medal or award for?' },
  { question: 'favorite_security_question', questionText: 'What is your favorite security question?' },
  { question: 'favorite_toy', questionText: 'What is the toy/stuffed animal you liked the most as a kid?' },
  { question: 'first_computer_game', questionText: 'What was the first computer game you played?' },
  { question: 'favorite_movie_quote', questionText: 'What is your favorite movie quote?' },
  { question: 'first_sports_team_mascot', questionText: 'What was the mascot of the first sports team you played on?' },
  { question: 'first_music_purchase', questionText: 'What music album or song did you first purchase?' },
  { question: 'favorite_art_piece', questionText: 'What is your favorite piece of art?' },
  { question: 'grandmother_favorite_desert', questionText: "What was your grandmother's favorite dessert?" },
  { question: 'first_thing_cooked', questionText: 'What was the first thing you learned to cook?' },
  { question: 'childhood_dream_job', questionText: 'What was your dream job as a child?' },
  { question: 'first_kiss_location', questionText: 'Where did you have your first kiss?' },
  { question: 'place_where_significant_other_was_met', questionText: 'Where did you meet your spouse/significant other?' },
  { question: 'favorite_vacation_location', questionText: 'Where did you go for your favorite vacation?' },
  { question: 'new_years_two_thousand', questionText: "Where were you on New Year's Eve in the year 2000?" },
  { question: 'favorite_speaker_actor', questionText: 'Who is your favorite speaker/orator?' },
  { question: 'favorite_book_movie_character', questionText: 'Who is your favorite book/movie character?' },
  { question: 'favorite_sports_player', questionText: 'Who is your favorite sports player?' },
];

export const ANSWER_MIN = 4;
const TEXT_MAX = 100;

const normalise = (answer: string): string => answer.trim().toLowerCase();

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why an answer is refused (an errorCauses entry naming `field`), or null. */
export function answerViolation(field: string, answer: unknown): string | null {
  if (typeof answer !== 'string' || answer.trim() === '') return `${field}: The field cannot be left blank`;
  const a = answer.trim();
  if (a.length < ANSWER_MIN) return `${field}: The security question answer must be at least ${ANSWER_MIN} characters in length`;
  if (a.length > TEXT_MAX) return `${field}: The security question answer must be at most ${TEXT_MAX} characters in length`;
  return null;
}

export async function hashAnswer(state: OrgState, answer: string): Promise<string> {
  return hashPassword(normalise(answer), state.passwordHashing);
}

/** For the seed, hashed once at start-up like the seed's passwords. */
export function hashAnswerSync(answer: string, hashing: PasswordHashing): string {
  return hashPasswordSync(normalise(answer), hashing);
}

export async function answerMatches(answer: unknown, hash: string | undefined): Promise<boolean> {
  if (typeof answer !== 'string' || hash === undefined) return false;
  return verifyPassword(normalise(answer), hash);
}

/**
 * Validates a `recovery_question` credential ({question, answer}) and returns what to store. Throws 400 E0000001
 * naming the field (credentials.recovery_question.*) when the question or answer is missing or out of bounds.
 */
export async function parseRecoveryQuestion(state: OrgState, raw: unknown): Promise<{ question: string; answerHash: string }> {
  const field = 'credentials.recovery_question';
  if (!isPlainObject(raw)) throw errors.validation(field, [`${field}: The field cannot be left blank`]);
  const { question, answer } = raw;
  if (typeof question !== 'string' || question.trim() === '') throw errors.validation(`${field}.question`, [`${field}.question: The field cannot be left blank`]);
  if (question.length > TEXT_MAX) throw errors.validation(`${field}.question`, [`${field}.question: The question must be at most ${TEXT_MAX} characters in length`]);
  const bad = answerViolation(`${field}.answer`, answer);
  if (bad) throw errors.validation(`${field}.answer`, [bad]);
  return { question: question.trim(), answerHash: await hashAnswer(state, answer as string) };
}
