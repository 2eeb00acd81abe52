import { spawnSync } from 'node:child_process';

/**
 * `npm audit --omit=dev --audit-level=high`, telling "no high or critical advisory" apart from "the
 * advisory service could not be asked" (some registry mirrors answer 405). Exit 0: clean; 1: findings
 * (listed); 2: not run, with the reason.
 */

const BLOCKING = new Set(['high', 'critical']);

export interface Finding {
  name: string;
  severity: string;
  range: string;
  advisories: string[];
  fixAvailable: boolean;
}

export type AuditOutcome = { kind: 'report'; findings: Finding[] } | { kind: 'not run'; reason: string };

interface ReportEntry {
  name?: string;
  severity?: string;
  range?: string;
  via?: unknown[];
  fixAvailable?: unknown;
}

/** Reads `npm audit --json` output (report format 2) into the high and critical findings. */
export function readAuditOutput(output: string): AuditOutcome {
  let parsed: {
    vulnerabilities?: Record<string, ReportEntry>;
    message?: string;
    error?: { summary?: string };
  };
  try {
    parsed = JSON.parse(output) as typeof parsed;
  } catch {
    return {
      kind: 'not run',
      reason: `npm audit printed no report: ${output.trim().slice(0, 200) || '(nothing)'}`,
    };
  }
  if (!parsed.vulnerabilities) {
    return {
      kind: 'not run',
      reason: parsed.message ?? parsed.error?.summary ?? 'npm audit returned no report',
    };
  }
  const findings = Object.values(parsed.vulnerabilities)
    .filter((entry) => BLOCKING.has(entry.severity ?? ''))
    .map((entry) => ({
      name: entry.name ?? '?',
      severity: entry.severity!,
      range: entry.range ?? '?',
      advisories: (entry.via ?? []).flatMap((via) =>
        typeof via === 'object' && via !== null && 'url' in via ? [String(via.url)] : [],
      ),
      fixAvailable: Boolean(entry.fixAvailable),
    }));
  return { kind: 'report', findings };
}

function main(): void {
  const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const outcome = readAuditOutput(audit.stdout ?? '');
  if (outcome.kind === 'not run') {
    console.error(`Dependency audit NOT RUN: ${outcome.reason}`);
    process.exitCode = 2;
  } else if (outcome.findings.length === 0) {
    console.log('Dependency audit: no high or critical advisory in production dependencies.');
  } else {
    console.error('Dependency audit: high or critical advisories in production dependencies:');
    for (const finding of outcome.findings) {
      const fix = finding.fixAvailable ? 'fix available' : 'no fix yet';
      console.error(
        `- ${finding.name} ${finding.range} (${finding.severity}, ${fix}) ${finding.advisories.join(' ')}`,
      );
    }
    process.exitCode = 1;
  }
}

if (require.main === module) main();
