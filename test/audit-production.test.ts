import { readAuditOutput } from '../scripts/audit-production';

const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    'sanitize-html': {
      name: 'sanitize-html',
      severity: 'high',
      isDirect: true,
      via: [
        {
          source: 1,
          name: 'sanitize-html',
          title: 'Mutation XSS',
          url: 'https://github.com/advisories/GHSA-jxwj-j7wr-gfrw',
          severity: 'high',
          range: '<2.18.0',
        },
      ],
      effects: [],
      range: '<2.18.0',
      nodes: ['node_modules/sanitize-html'],
      fixAvailable: true,
    },
    debug: {
      name: 'debug',
      severity: 'moderate',
      isDirect: false,
      via: [{ source: 2, url: 'https://github.com/advisories/GHSA-0000', severity: 'moderate' }],
      range: '<2.6.9',
      fixAvailable: false,
    },
    express: {
      name: 'express',
      severity: 'critical',
      isDirect: true,
      via: ['body-parser'],
      range: '*',
      fixAvailable: false,
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 1, critical: 1, total: 3 } },
};

describe('reading npm audit output', () => {
  it('lists only high and critical findings, with their advisories and whether a fix exists', () => {
    expect(readAuditOutput(JSON.stringify(report))).toEqual({
      kind: 'report',
      findings: [
        {
          name: 'sanitize-html',
          severity: 'high',
          range: '<2.18.0',
          advisories: ['https://github.com/advisories/GHSA-jxwj-j7wr-gfrw'],
          fixAvailable: true,
        },
        { name: 'express', severity: 'critical', range: '*', advisories: [], fixAvailable: false },
      ],
    });
  });

  it('reports a clean audit as a report with no findings', () => {
    const clean = { auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: { total: 0 } } };
    expect(readAuditOutput(JSON.stringify(clean))).toEqual({ kind: 'report', findings: [] });
  });

  it('tells an unreachable advisory service apart from a clean audit', () => {
    const refused = {
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      error: { summary: '', detail: '' },
    };
    expect(readAuditOutput(JSON.stringify(refused))).toEqual({ kind: 'not run', reason: refused.message });
    expect(readAuditOutput('npm error something odd')).toEqual({
      kind: 'not run',
      reason: 'npm audit printed no report: npm error something odd',
    });
  });
});
