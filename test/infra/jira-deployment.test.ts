import { sharedContactSyncStack } from './synthesized-stack.js';

const { template, logicalId } = sharedContactSyncStack();

const functionVariables = (): Record<string, Record<string, unknown>> =>
  Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, resource]) => [
      id,
      (resource.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables ?? {},
    ]),
  );

describe('which Jira the functions speak to', () => {
  it('is the JiraDeployment parameter: auto (asked of Jira) by default, or cloud or datacenter', () => {
    // Assess
    template.hasParameter('JiraDeployment', {
      Type: 'String',
      Default: 'auto',
      AllowedValues: ['auto', 'cloud', 'datacenter'],
    });
  });

  it('reaches every function that talks to Jira, and health, with the Jira site to ask', () => {
    // Prepare
    const variables = functionVariables();
    const jiraFunctions = Object.entries(variables).filter(([, names]) => 'JIRA_BASE_URL' in names);

    // Assess
    expect(jiraFunctions.length).toBeGreaterThan(5);
    for (const [, names] of jiraFunctions) expect(names.JIRA_DEPLOYMENT).toEqual({ Ref: 'JiraDeployment' });
    expect(variables[logicalId('ApiFunctions/Health/Function')]).toMatchObject({
      JIRA_BASE_URL: { Ref: 'JiraBaseUrl' },
      JIRA_DEPLOYMENT: { Ref: 'JiraDeployment' },
    });
  });
});
