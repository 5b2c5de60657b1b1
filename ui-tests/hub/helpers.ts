import { Page } from '@playwright/test';

/**
 * JupyterLab asks once, in a toast, whether to fetch Jupyter news; at the
 * bottom right it can cover the panel's buttons (the submit form's Submit).
 * Answer "No" whenever it shows.
 */
export async function answerNewsToast(page: Page): Promise<void> {
  await page.addLocatorHandler(
    page.getByText(
      'Would you like to get notified about official Jupyter news?'
    ),
    async () => {
      await page.getByRole('button', { name: 'No', exact: true }).click();
    }
  );
}
