import { foundOf } from './found';

describe('e-mail addresses', () => {
  test.each([
    ['zhang.san@example.com', ['zhang.san@example.com']],
    ['mail: Zhang.San+pay@mail.example.com.cn.', ['Zhang.San+pay@mail.example.com.cn']],
    ['a@b.co and c_d@e-f.org', ['a@b.co', 'c_d@e-f.org']],
    ['13800138000@163.com', ['13800138000@163.com']],
    ['联系邮箱user@qq.com谢谢', ['user@qq.com']],
    ['write to a@b.com-thanks', ['a@b.com']],
    ['user@localhost', []],
    ['user@example.c0m', []],
    ['@example.com', []],
    ['price @ 5.00', []],
    ['a@b.c', []],
    // RFC 5322 specials and quoted local parts, RFC 6531 and IDN, full-width
    ["o'brien+pay@example.com", ["o'brien+pay@example.com"]],
    ['a!#$&*/=?^_`{|}~@x.org', ['a!#$&*/=?^_`{|}~@x.org']],
    ['to "john doe"@example.com now', ['"john doe"@example.com']],
    ['用户@例子.中国', ['用户@例子.中国']],
    ['josé@bücher.de', ['josé@bücher.de']],
    ['ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ', ['ｕｓｅｒ＠ｅｘａｍｐｌｅ．ｃｏｍ']],
    ['user＠example.com', ['user＠example.com']],
    ['x@example.xn--fiqs8s', ['x@example.xn--fiqs8s']],
    ['root@[192.0.2.1]', ['root@[192.0.2.1]']],
    ['邮箱：zhang@qq.com谢谢', ['zhang@qq.com']],
  ])('%j → %j', (text, expected) => {
    expect(foundOf(text, 'email')).toEqual(expected);
  });

  test('a long run without a domain stays linear and finds nothing', () => {
    const text = `${'a'.repeat(200_000)}@`;
    const started = Date.now();
    expect(foundOf(text, 'email')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
