/**
 * Answers CloudFormation at the pre-signed ResponseURL of a custom resource event. The URL is a
 * bearer credential for this one answer: it is never logged.
 */
export async function sendResponse(responseUrl: string, body: string): Promise<void> {
  const response = await fetch(responseUrl, {
    method: 'PUT',
    body,
    // The URL is signed for the host only; an empty content type is what CloudFormation documents.
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(body)) },
  });
  if (!response.ok) {
    throw new Error(`CloudFormation refused the response: HTTP ${response.status} ${response.statusText}`);
  }
}
