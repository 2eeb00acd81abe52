/** LinkedIn's documented "Add to profile" link for a certification. */
export function linkedInUrl(c: {
  name: string;
  organization: string;
  issued: Date;
  expires: Date | null;
  url: string;
  code: string;
}): string {
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.name,
    organizationName: c.organization,
    issueYear: String(c.issued.getUTCFullYear()),
    issueMonth: String(c.issued.getUTCMonth() + 1),
    certUrl: c.url,
    certId: c.code,
  });
  if (c.expires) {
    params.set('expirationYear', String(c.expires.getUTCFullYear()));
    params.set('expirationMonth', String(c.expires.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}
