export default {
  app: {
    title: 'Nantong Enterprise Self-Review of Titles and Skill Levels',
    short: 'Self-Review',
    subtitle: 'Who employs, evaluates · oversight kept',
  },
  common: {
    ok: 'OK', cancel: 'Cancel', save: 'Save', search: 'Search', reset: 'Reset', create: 'New', edit: 'Edit',
    refresh: 'Refresh', actions: 'Actions', status: 'Status', reason: 'Reason', loading: 'Loading…', empty: 'Nothing here yet',
    yes: 'Yes', no: 'No', detail: 'Details', back: 'Back', submit: 'Submit', confirm: 'Confirm', close: 'Close',
    home: 'Go home', all: 'All', view: 'View', saved: 'Saved', done: 'Done', required: 'Required',
    reasonPlaceholder: 'Give a reason (at least 2 characters)', createdAt: 'Created', updatedAt: 'Updated',
    name: 'Name', version: 'Version', id: 'ID', total: '{n} in total', none: 'None', remove: 'Remove', add: 'Add',
    loadFailed: 'Could not load', retry: 'Retry', enterprise: 'Enterprise', period: 'Period', level: 'Level', track: 'Track',
    series: 'Series/trade', note: 'Note', from: 'From', to: 'To', select: 'Select', score: 'Score',
  },
  roles: { regulator: 'Regulator', enterprise_admin: 'Enterprise HR', expert: 'Expert', applicant: 'Applicant', null: '' },
  nav: {
    enterprises: 'Enterprises', enterprise: 'Enterprise', baselines: 'Baselines & equivalence', filings: 'Filings',
    filing: 'Filing', auditRuns: 'Audit runs', auditRun: 'Audit run', flags: 'Flags', cases: 'Cases',
    grades: 'Quality grades', standards: 'My standards', standard: 'Standard', sessions: 'Review sessions', session: 'Review session',
    users: 'People', myGrade: 'My quality grade', events: 'Event log', panels: 'My panels', panel: 'Panel work',
    selfCheck: 'Eligibility self-check', myApplications: 'My applications', equivalence: 'Title–skill equivalence', forbidden: 'Forbidden',
    notFound: 'Not found',
  },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in', logout: 'Sign out',
    expired: 'Your session has expired; please sign in again', publicLookup: 'No sign-in needed: look up title–skill equivalence',
    intro: 'Enterprises evaluate their own staff for professional titles and skill levels; the HR bureau receives filings, screens the data and grades review quality.',
    point1: 'Enterprises: write standards, form panels, review online, publish notices, file results',
    point2: 'Experts: declare conflicts, score per criterion, vote by secret ballot',
    point3: 'Regulator: post-review audits, flag casework, quality grades and measures',
  },
  public: { toApp: 'Open the app' },
  errors: {
    forbiddenTitle: 'Forbidden', forbidden: 'Your role cannot open this page.', notFound: 'This page does not exist.',
  },
}
