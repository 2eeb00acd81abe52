import { isDateTimeStamp, isJsonObject } from '../json-ld';
import { failed, passed, type CheckResult } from './check-result';

export function checkValidityPeriod(credential: unknown, now: Date): CheckResult {
  const { validFrom, validUntil } = isJsonObject(credential) ? credential : {};
  if (!isDateTimeStamp(validFrom))
    return failed('validity-period', 'The credential has no valid start date (validFrom).');
  if (validUntil !== undefined && !isDateTimeStamp(validUntil)) {
    return failed('validity-period', 'The credential has an unreadable expiry date (validUntil).');
  }
  if (Date.parse(validFrom) > now.getTime()) {
    return failed('validity-period', `The credential is not valid until ${validFrom}.`);
  }
  if (validUntil !== undefined && Date.parse(validUntil) < now.getTime()) {
    return failed('validity-period', `The credential expired on ${validUntil}.`);
  }
  return passed(
    'validity-period',
    validUntil === undefined
      ? `Valid since ${validFrom}, with no expiry.`
      : `Valid from ${validFrom} until ${validUntil}.`,
  );
}
