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
