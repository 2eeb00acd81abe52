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

/** Turns an unexpected exception inside a check into a failed result instead of a crash. */
export async function guarded(check: CheckName, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    return failed(
      check,
      `This could not be checked: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
