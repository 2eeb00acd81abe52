import type { CurriculumProblem } from './problems';

/**
 * British spellings a US program should not use, with their US forms. Each entry matches the word and
 * its inflections (organise, organised, organising, organisation...), case-insensitively.
 */
const BRITISH: [RegExp, string][] = [
  [/\borganis(e|es|ed|ing|er|ers|ation|ations|ational)\b/i, 'organiz…'],
  [/\bprogrammes?\b/i, 'program'],
  [/\blicences?\b/i, 'license'],
  [/\bcentre(s|d)?\b/i, 'center'],
  [/\bcolour(s|ed|ful)?\b/i, 'color'],
  [/\bbehaviours?\b/i, 'behavior'],
  [/\bneighbour(s|hood|hoods|ing)?\b/i, 'neighbor…'],
  [/\bpractis(e|es|ed|ing)\b/i, 'practic…'],
  [/\brecognis(e|es|ed|ing)\b/i, 'recogniz…'],
  [/\bfavour(s|ed|ing|ite|ites|able)?\b/i, 'favor…'],
  [/\bhonour(s|ed|ing|able)?\b/i, 'honor…'],
  [/\blabour(s|ed|ing)?\b/i, 'labor…'],
  [/\bjudgements?\b/i, 'judgment'],
  [/\bcancell(ed|ing)\b/i, 'cancel(ed|ing)'],
  [/\bapologis(e|es|ed|ing)\b/i, 'apologiz…'],
  [
    /\b(priorit|summar|anonym|synthes|minim|maxim|emphas|real|util|special|standard|optim|visual|categor|memor|author|character|custom|formal|normal|personal|mobil|critic|familiar|legal|central|democrat)is(e|es|ed|ing|ation|ations)\b/i,
    '-ize / -ization',
  ],
  [/\b(anal|paral|catal)ys(e|es|ed|ing)\b/i, '-yze'],
  [/\b(travel|model|label|signal|fuel|counsel)l(ed|ing|er|ers)\b/i, 'one l (traveled, modeling…)'],
  [/\b(defence|offence|pretence)s?\b/i, '-ense'],
  [/\b(enrol|fulfil)(s|ment)?\b/i, 'enroll / fulfill'],
  [/\bwhilst\b/i, 'while'],
  [/\bcatalogue(s|d)?\b/i, 'catalog'],
];

/** US English check: one problem per British spelling, with the file and line it is on. */
export function checkSpelling(file: string, source: string): CurriculumProblem[] {
  const problems: CurriculumProblem[] = [];
  source.split('\n').forEach((text, index) => {
    // Links and code spans may name things we do not control (URLs, file names).
    const prose = text.replace(/\]\([^)]*\)/g, ']').replace(/`[^`]*`/g, '').replace(/https?:\/\/\S+/g, '');
    for (const [pattern, us] of BRITISH) {
      const found = prose.match(pattern);
      if (found)
        problems.push({ file, line: index + 1, message: `British spelling "${found[0]}": use US English (${us})` });
    }
  });
  return problems;
}
