using ResilientHttp.Demo;

return await DemoApp.RunAsync(args, Console.Out);
