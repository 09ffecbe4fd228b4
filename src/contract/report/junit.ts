/**
 * JUnit XML, the common denominator of CI test reporters: GitHub Actions' dorny/test-reporter and
 * mikepenz/action-junit-report, GitLab's `artifacts:reports:junit`. One suite per client event, one
 * test case per case; a failure's body holds its traces and the command that reproduces it.
 */
import type { CaseResult, RunReport } from '../results.js';
import { groupByEvent, type EventGroup } from './events.js';
import { seconds } from './text.js';
import { failureLines } from './traces.js';
import { attributes, xmlText } from './xml.js';

/** Wide enough for side-by-side traces in a report page, narrow enough for a log. */
const WIDTH = 120;

/**
 * The run as a JUnit XML document, ending with a newline.
 *
 * @example writeFileSync('parley-junit.xml', formatJunit(report))
 */
export function formatJunit(report: RunReport): string {
  const s = report.summary;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: `parley test ${report.protocol}`,
      tests: s.total,
      failures: s.failed,
      errors: 0,
      skipped: s.skipped,
      time: seconds(s.durationMs),
      timestamp: report.startedAt,
    })}>`,
    ...groupByEvent(report.cases).flatMap((group) => suite(report, group)),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function suite(report: RunReport, group: EventGroup): string[] {
  const count = (status: CaseResult['status']): number => group.cases.filter((c) => c.status === status).length;
  const time = group.cases.reduce((sum, c) => sum + c.durationMs, 0);
  return [
    `  <testsuite${attributes({
      // `messenger / sendMessage`: the protocol, then the client event as the spec's coverage names it.
      name: `${report.protocol} ${group.namespace} ${group.event}`,
      tests: group.cases.length,
      failures: count('failed'),
      errors: 0,
      skipped: count('skipped'),
      time: seconds(time),
      timestamp: report.startedAt,
    })}>`,
    ...group.cases.flatMap((c) => testcase(report, c)),
    '  </testsuite>',
  ];
}

function testcase(report: RunReport, c: CaseResult): string[] {
  const open = `    <testcase${attributes({
    classname: `${report.protocol}.${c.namespace}.${c.event}`,
    name: c.id,
    time: seconds(c.durationMs),
  })}`;
  switch (c.status) {
    case 'passed':
      return [`${open}/>`];
    case 'skipped':
      return [`${open}>`, `      <skipped${attributes({ message: c.message })}/>`, '    </testcase>'];
    case 'failed':
      return [
        `${open}>`,
        `      <failure${attributes({ message: c.message, type: c.kind })}>${xmlText(failureLines(c, WIDTH).join('\n'))}</failure>`,
        '    </testcase>',
      ];
  }
}
