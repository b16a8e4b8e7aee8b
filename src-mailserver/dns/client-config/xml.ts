// Escaping text for XML character data and attribute values (XML 1.0 §2.4, §3.3.3); characters
// XML cannot carry at all (C0 controls but tab, LF, CR) are dropped.
export function xmlEscape(text: string): string {
  return text
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
