export type CheckName = 'structure' | 'known-issuer-key' | 'signature' | 'status' | 'validity-period';

/** One verification check and, in plain English, why it passed or failed. */
export interface CheckResult {
  check: CheckName;
  passed: boolean;
  reason: string;
}

export function passed(check: CheckName, reason: string): CheckResult {
  return { check, passed: true, reason };
}

export function failed(check: CheckName, reason: string): CheckResult {
  return { check, passed: false, reason };
}

/**
 * The check could not be made (out of time, no capacity): not a verdict on the credential, so it
 * is passed on to the caller instead of being reported as a failed check.
 */
export class CheckNotMade extends Error {}

/** Turns an unexpected exception inside a check into a failed result instead of a crash. */
export async function guarded(check: CheckName, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CheckNotMade) throw error;
    return failed(
      check,
      `This could not be checked: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
